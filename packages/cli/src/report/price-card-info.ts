import type { CostReport, PriceCard } from '@burnrate/cost-processor';
import { LABEL as L, PROM as S } from '@burnrate/semconv';
import type { CounterSource } from '../prometheus/source.js';

/** A price card a process serves in `burnrate_pricecard_info`. */
export interface ServedPriceCard {
  checksum: string;
  catalogVersion: string;
  defaultsAsOf: string;
}

/** The price card line of a report and the notes that go under it. */
export interface ReportedPriceCard {
  priceCard: CostReport['priceCard'];
  /** Lines printed after the report's price card line (e.g. the app serves another card). */
  notes: string[];
}

/** The price cards the source's processes priced with, from their `burnrate_pricecard_info` series. */
export async function servedPriceCards(source: CounterSource): Promise<ServedPriceCard[]> {
  if (!source.labelSets) return [];
  const sets = await source.labelSets(S.priceCardInfo, [
    L.cardChecksum,
    L.catalogVersion,
    L.cardDefaultsAsOf,
  ]);
  return sets
    .filter((l) => (l[L.cardChecksum] ?? '') !== '')
    .map((l) => ({
      checksum: l[L.cardChecksum] ?? '',
      catalogVersion: l[L.catalogVersion] ?? '',
      defaultsAsOf: l[L.cardDefaultsAsOf] ?? '',
    }))
    .sort((a, b) => a.checksum.localeCompare(b.checksum));
}

const describe = (c: ServedPriceCard): string =>
  `${c.checksum} (catalog @pydantic/genai-prices ${c.catalogVersion}, defaults as of ${c.defaultsAsOf})`;

/**
 * What a report read from metrics says about the price card, claiming no card it did not read: the
 * `--card` file when one was given (with a note when the processes priced with another card), else
 * the card the processes serve in `burnrate_pricecard_info`, else that it is not known.
 *
 * @param card the card the CLI loaded (`--card`, or the defaults without one).
 * @param cardFile the `--card` path, if any.
 * @param served the cards the processes serve.
 * @param where `the app` or `the apps` behind the source, for the words.
 */
export function reportedPriceCard(
  card: PriceCard,
  cardFile: string | undefined,
  served: readonly ServedPriceCard[],
  where: string,
): ReportedPriceCard {
  const notes: string[] = [];
  if (cardFile !== undefined) {
    const others = served.filter((c) => c.checksum !== card.checksum);
    if (others.length > 0) {
      const also = served.length > others.length ? ` (besides ${card.checksum})` : '';
      notes.push(
        `note: ${where} served price card ${others.map(describe).join(', ')}${also}, not only the one read from ${cardFile}: ` +
          `the dollars were priced with what ${where} served; ${cardFile} is used here for provider mapping, budgets and recommendations`,
      );
    }
    return {
      priceCard: {
        checksum: card.checksum,
        catalogVersion: card.catalogVersion,
        defaultsAsOf: card.defaultsAsOf,
        origin: `read from ${cardFile}`,
      },
      notes,
    };
  }
  const [first] = served;
  if (first === undefined) {
    return {
      priceCard: {
        checksum: '',
        catalogVersion: '',
        defaultsAsOf: '',
        origin: `not known: ${where} served no ${S.priceCardInfo} series; give --card FILE to name the card`,
      },
      notes,
    };
  }
  if (served.length > 1) {
    notes.push(
      `note: ${where} served ${served.length} different price cards: ${served.map(describe).join('; ')}`,
    );
  }
  return {
    priceCard: {
      ...first,
      origin:
        served.length > 1
          ? `as served by ${where} (one of ${served.length}, see below)`
          : `as served by ${where}`,
    },
    notes,
  };
}
