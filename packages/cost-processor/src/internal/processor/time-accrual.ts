import type { Attributes, StorageUsageRecord } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { PriceCard } from '../../price-card/types.js';
import type { CostLedger } from '../ledger/ledger.js';
import { BYTES_PER_GB, SECONDS_PER_MONTH, storagePrice } from '../pricing/unit-pricers.js';

interface StorageLevel {
  attributes: Attributes;
  storageClass: string;
  bytes: number;
  lastMs: number;
}

/**
 * Costs that accrue with time rather than per record: storage levels ($/GB-month × bytes held)
 * and the card's fixed monthly costs. Accrued up to "now" at collection, report and flush.
 */
export class TimeAccrual {
  /** Storage levels by storage class and attribute set (the record's attributes object is reused as the key's source). */
  private readonly levels = new Map<string, StorageLevel>();
  private accruedToMs: number;

  constructor(
    private readonly card: PriceCard,
    private readonly ledger: () => CostLedger,
    startMs: number,
  ) {
    this.accruedToMs = startMs;
  }

  /** Restarts the fixed-cost clock (the processor adopted its recorder's clock before any record). */
  restart(startMs: number): void {
    this.accruedToMs = startMs;
  }

  /** A new storage level: accrues the old level up to now, then holds the new one. */
  setLevel(record: StorageUsageRecord, nowMs: number, key: string): void {
    const level = this.levels.get(key);
    if (level) this.accrueStorage(level, nowMs);
    const bytes = Number.isFinite(record.bytes) && record.bytes > 0 ? record.bytes : 0;
    this.levels.set(key, {
      attributes: record.attributes,
      storageClass: record.storageClass,
      bytes,
      lastMs: level?.lastMs ?? nowMs,
    });
  }

  /** Accrues storage levels and fixed monthly costs up to `nowMs`. */
  accrue(nowMs: number): void {
    for (const level of this.levels.values()) this.accrueStorage(level, nowMs);
    const dt = (nowMs - this.accruedToMs) / 1000;
    if (dt <= 0) return;
    for (const f of this.card.fixed) {
      this.ledger().addCost(
        'fixed',
        'card',
        { [ATTR.costComponent]: 'fixed', [ATTR.fixedCostName]: f.name, [ATTR.priceSource]: 'card' },
        (f.usdPerMonth * dt) / SECONDS_PER_MONTH,
      );
    }
    this.accruedToMs = nowMs;
  }

  private accrueStorage(level: StorageLevel, nowMs: number): void {
    const dt = (nowMs - level.lastMs) / 1000;
    if (dt <= 0) return;
    level.lastMs = nowMs;
    if (level.bytes <= 0) return;
    const price = storagePrice(this.card, level.storageClass);
    if (!price) return;
    const usd = ((level.bytes / BYTES_PER_GB) * price.usdPerGbMonth * dt) / SECONDS_PER_MONTH;
    this.ledger().addCost(
      'storage',
      price.origin,
      {
        ...level.attributes,
        [ATTR.costComponent]: 'storage',
        [ATTR.storageClass]: level.storageClass,
        [ATTR.priceSource]: price.origin,
      },
      usd,
    );
  }
}
