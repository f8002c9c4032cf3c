import type { GpuMarket, GpuReservationRecord } from '@burnrate/sdk';
import { ATTR } from '@burnrate/semconv';
import type { PriceCard } from '../../price-card/types.js';
import { gpuHourPrice } from '../pricing/unit-pricers.js';

interface Held {
  gpu: string;
  market: GpuMarket;
  count: number;
  usdPerHour: number;
}

/** The GPUs held by reservations now, for the current $/hour gauge. */
export class HeldGpus {
  private readonly held = new Map<string, Held>();
  /** Every (gpu, market) pair ever held: a released pair reports 0 instead of keeping its last value. */
  private readonly pairs = new Map<string, { gpu: string; market: GpuMarket }>();

  constructor(private readonly card: PriceCard) {}

  /** Applies a reservation's lifecycle record; unpriced GPUs are not counted in $/hour. */
  onReservation(record: GpuReservationRecord): void {
    if (record.event === 'released') {
      this.held.delete(record.id);
      return;
    }
    const price = gpuHourPrice(this.card, record.gpu, record.market)?.usdPerHour;
    if (price === undefined) return;
    this.pairs.set(`${record.gpu}|${record.market}`, { gpu: record.gpu, market: record.market });
    this.held.set(record.id, {
      gpu: record.gpu,
      market: record.market,
      count: record.count,
      usdPerHour: price,
    });
  }

  /** Calls `observe` with the $/hour held now per GPU model and market. */
  observe(observe: (usdPerHour: number, attributes: Record<string, string>) => void): void {
    const sums = new Map<string, { gpu: string; market: string; usd: number }>();
    for (const [key, pair] of this.pairs) sums.set(key, { ...pair, usd: 0 });
    for (const r of this.held.values()) {
      const s = sums.get(`${r.gpu}|${r.market}`);
      if (s) s.usd += r.count * r.usdPerHour;
    }
    for (const s of sums.values()) observe(s.usd, { [ATTR.gpuModel]: s.gpu, [ATTR.gpuMarket]: s.market });
  }
}
