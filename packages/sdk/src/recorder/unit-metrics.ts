import { ATTR } from '@burnrate/semconv';
import type { Attributes as OtelAttributes } from '@opentelemetry/api';
import type { UnitUsage } from '../record/unit-usage.js';
import type { UsageInstruments } from './instruments.js';

/**
 * Records a call's non-token units (images, audio seconds, characters, built-in tool calls) on
 * their counters, with the token counters' attributes `a` (plus size and quality, or tool type).
 * Counts that are not finite and positive are skipped: a unit the call did not use has no series.
 */
export function recordUnitMetrics(inst: UsageInstruments, units: UnitUsage, a: OtelAttributes): void {
  if (units.images !== undefined) {
    for (const image of units.images) {
      if (!isPositive(image.count)) continue;
      const attrs: OtelAttributes = { ...a };
      if (image.size !== undefined) attrs[ATTR.imageSize] = image.size;
      if (image.quality !== undefined) attrs[ATTR.imageQuality] = image.quality;
      inst.images.add(image.count, attrs);
    }
  }
  if (isPositive(units.audioSeconds)) inst.audioDuration.add(units.audioSeconds, a);
  if (isPositive(units.characters)) inst.characters.add(units.characters, a);
  if (units.toolCalls !== undefined) {
    for (const [tool, count] of Object.entries(units.toolCalls)) {
      if (isPositive(count)) inst.toolCalls.add(count, { ...a, [ATTR.toolType]: tool });
    }
  }
}

function isPositive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}
