import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { TokenUsage, UsageSource } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import type { ServerIdentity } from './provider-name.js';

/** What the wrapper knows when a call starts. */
export interface CallStart {
  operation: string;
  requestModel: string;
  streaming: boolean;
  startMs: number;
  attributes: CallerAttributes;
  server: ServerIdentity;
}

/** What the wrapper learned by the end of a call. */
export interface CallEnd {
  usage?: TokenUsage | undefined;
  responseModel?: string | undefined;
  serviceTier?: string | undefined;
  firstChunkMs?: number | undefined;
  errorType?: string | undefined;
}

const ZERO: TokenUsage = Object.freeze({ input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });

/** Turns a call's start and end into one LLM usage record on the recorder. */
export function finishCall(recorder: UsageRecorder, start: CallStart, end: CallEnd): void {
  const now = recorder.clock.now();
  const usageSource: UsageSource = end.usage ? 'provider' : 'missing';
  recorder.recordLlm({
    provider: start.server.provider,
    operation: start.operation,
    requestModel: start.requestModel,
    ...(end.responseModel !== undefined && { responseModel: end.responseModel }),
    ...(end.serviceTier !== undefined && { serviceTier: end.serviceTier }),
    ...(start.server.serverAddress !== undefined && { serverAddress: start.server.serverAddress }),
    ...(start.server.serverPort !== undefined && { serverPort: start.server.serverPort }),
    usage: end.usage ?? ZERO,
    usageSource,
    durationS: Math.max(0, (now - start.startMs) / 1000),
    ...(end.firstChunkMs !== undefined && {
      timeToFirstChunkS: Math.max(0, (end.firstChunkMs - start.startMs) / 1000),
    }),
    streaming: start.streaming,
    ...(end.errorType !== undefined && { errorType: end.errorType }),
    attributes: start.attributes,
  });
}

/** The `error.type` of a thrown value: its class name, e.g. `RateLimitError`. */
export function errorTypeOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
  }
  return '_OTHER';
}
