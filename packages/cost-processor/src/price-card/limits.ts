/**
 * How much a price card may hold. A card lists prices and budgets and fits in kilobytes; these
 * bounds are far above any real card and keep a generated or hostile one from taking the process
 * down (a 50 MB card once ran for over 300 s; a few nested YAML aliases expand to billions of
 * values).
 */
export const CARD_LIMITS = {
  /** Bytes of card text (10 MB), checked before the text is read or parsed. */
  bytes: 10_000_000,
  /**
   * YAML aliases (`*name`). The `yaml` package stops at 100, which a legitimate 150-alias card
   * reached; hand-written cards use dozens, and a generated card has no need for aliases.
   */
  aliases: 1_000,
  /**
   * Values that aliases may add to the card in all, counting an alias as the values its anchor
   * holds: about as many as a card of the byte limit holds itself (one per 10 bytes).
   */
  aliasedValues: 1_000_000,
} as const;

/** Renders a byte count in MB (`52.4 MB`, `10.000003 MB`): the unit the limit is stated in, never rounded onto it. */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  const digits = Math.abs(mb - CARD_LIMITS.bytes / 1e6) < 0.1 ? 6 : 1;
  return `${mb.toLocaleString('en-US', { maximumFractionDigits: digits })} MB`;
}
