import type { UnitUsage } from './unit-usage.js';

/** Caller attributes after the cardinality guard: flat string/number/boolean values only. */
export type Attributes = Record<string, string | number | boolean>;

/**
 * Where a usage number came from. `provider`: the provider's final count. `estimated`: the
 * provider's own but not final numbers — a stream the caller aborted after Anthropic's
 * `message_start` and before `message_delta` carries that event's input (exact) and its provisional
 * output (a lower bound on what was billed). `missing`: the provider sent none and we invented none.
 */
export type UsageSource = 'provider' | 'estimated' | 'missing';

/**
 * Normalized token counts, one convention for every provider:
 * `input` includes cache reads and writes, `output` includes reasoning.
 */
export interface TokenUsage {
  /** All input tokens, cached ones included. */
  input: number;
  /** Input tokens served from the provider's prompt cache (subset of `input`). */
  cacheRead: number;
  /** Input tokens written to the provider's prompt cache (subset of `input`). */
  cacheWrite: number;
  /**
   * Of `cacheWrite`, the tokens written with a 1-hour TTL (Anthropic's
   * `cache_creation.ephemeral_1h_input_tokens`), which cost more than 5-minute writes (2× input instead
   * of 1.25×). Absent when the provider does not split cache writes by TTL; the rest of `cacheWrite`
   * is priced as 5-minute writes.
   */
  cacheWrite1h?: number;
  /** All output tokens, reasoning included. */
  output: number;
  /** Reasoning tokens (subset of `output`). */
  reasoning: number;
  /** Of `input`, image tokens (gpt-image models), priced at the model's image-input rate. Absent: none split out. */
  inputImage?: number;
  /** Of `input`, audio tokens (gpt-4o-transcribe), priced at the model's audio-input rate. Absent: none split out. */
  inputAudio?: number;
  /** Of `output`, image tokens (gpt-image models), priced at the model's image-output rate where it has one. */
  outputImage?: number;
  /** Of `output`, audio tokens (gpt-4o-mini-tts), priced at the model's audio-output rate where it has one. */
  outputAudio?: number;
}

/** GPU markets priced differently by clouds. */
export type GpuMarket = 'on_demand' | 'spot' | 'reserved';

interface RecordBase {
  /** Wall-clock time the record was made, ms since epoch (from the injected clock). */
  timeMs: number;
  /** Caller attributes (feature, tenant, ...) after the cardinality guard. */
  attributes: Attributes;
}

/** One LLM API call. */
export interface LlmUsageRecord extends RecordBase {
  kind: 'llm';
  /** `gen_ai.provider.name`, e.g. `openai`, `azure.ai.openai`, or the server host. */
  provider: string;
  /** `gen_ai.operation.name`: `chat`, `text_completion`, `embeddings`, ... */
  operation: string;
  requestModel: string;
  /** The model the provider says served the call; absent when it said nothing (errors). */
  responseModel?: string;
  /** The service tier the provider reported (`default`, `flex`, `priority`, `batch`, ...). */
  serviceTier?: string;
  serverAddress?: string;
  serverPort?: number;
  usage: TokenUsage;
  usageSource: UsageSource;
  /** Seconds from the call to its end (last chunk for streams). */
  durationS: number;
  /** Seconds to the first chunk, streaming only. */
  timeToFirstChunkS?: number;
  streaming: boolean;
  /**
   * Whether the provider served the call, so that it is billed: true once a success response (HTTP
   * 2xx) arrived, even when its body then did not parse or its stream was cut off or aborted by the
   * caller; false when the call never got one — rejected (429, 500, ... after the client's retries),
   * a connection failure, or aborted before the response — and was not billed. burnrate's wrappers
   * always set it; absent on records made otherwise, for which processors take a failed
   * non-streaming call as not billed and every other call as billed.
   */
  served?: boolean;
  /**
   * The error's class name when the call failed (`RateLimitError`, `SyntaxError` for a body that
   * did not parse, `APIUserAbortError` for a call or stream the caller aborted, ...).
   */
  errorType?: string;
  /**
   * Usage in units other than tokens (images, audio seconds, characters, built-in tool calls); see
   * {@link UnitUsage}. A call billed only in such units has zero `usage` tokens.
   */
  units?: UnitUsage;
  /**
   * The id of the pre-call decision the call was sent under (`UsageProcessor.beforeCall`), so a
   * processor settles what it reserved for this call; absent when no processor decided on it.
   */
  callId?: string;
}

/** GPU-seconds consumed by tracked work or accrued by a reservation. */
export interface GpuUsageRecord extends RecordBase {
  kind: 'gpu';
  /** Normalized GPU model id, e.g. `h100`, `a100-80gb`. */
  gpu: string;
  count: number;
  market: GpuMarket;
  workload?: string;
  /** The LLM served, for self-hosted models (cost per token from GPU time). */
  model?: string;
  /** GPU-seconds: wall seconds × count. */
  gpuSeconds: number;
  /** Set when the seconds accrued on GPUs held by `recorder.gpu.reserve()`: that reservation's id. */
  reservationId?: string;
}

/**
 * GPUs taken or given back by `recorder.gpu.reserve()` (its lifecycle; the GPU-seconds it accrues
 * arrive as `gpu` records with its `reservationId`). Processors use it for what is held now, e.g.
 * the current $/hour.
 */
export interface GpuReservationRecord extends RecordBase {
  kind: 'gpu_reservation';
  /** `held` when reserved, `released` when given back (release or recorder shutdown). */
  event: 'held' | 'released';
  /** The reservation's id, as on its `gpu` records. */
  id: string;
  /** Normalized GPU model id, e.g. `h100`, `l4`. */
  gpu: string;
  count: number;
  market: GpuMarket;
  workload?: string;
  /** The model the GPUs serve (self-hosted). */
  model?: string;
}

/** Bytes held right now in a storage class (a level, not a delta). */
export interface StorageUsageRecord extends RecordBase {
  kind: 'storage';
  storageClass: string;
  bytes: number;
}

/** Bytes moved over the network. */
export interface NetworkUsageRecord extends RecordBase {
  kind: 'network';
  direction: 'transmit' | 'receive';
  /** Pricing scope such as `internet`, `inter_region`, `intra_region`. */
  scope: string;
  bytes: number;
}

/** An application response-cache lookup (a hit is an LLM call avoided). */
export interface CacheUsageRecord extends RecordBase {
  kind: 'cache';
  result: 'hit' | 'miss';
  /** The model whose call a hit avoided, so savings can be priced. */
  model?: string;
  provider?: string;
}

/**
 * Energy a GPU drew (from the nvidia-smi sampler): joules since its previous energy record. Priced
 * only where the card sets `energy: { usd_per_kwh }` (hardware whose GPU price excludes power).
 */
export interface EnergyUsageRecord extends RecordBase {
  kind: 'energy';
  /** Joules, > 0. */
  joules: number;
  /** The GPU model as the device reports it (e.g. `NVIDIA L4`), when known. */
  gpu?: string;
  /** The device's id (a GPU UUID). */
  deviceId?: string;
}

/** Revenue attributed to the LLM feature, for ROI. */
export interface RevenueRecord extends RecordBase {
  kind: 'revenue';
  usd: number;
}

/** Everything the recorder hands to processors, tagged by `kind`. */
export type UsageRecord =
  | LlmUsageRecord
  | GpuUsageRecord
  | GpuReservationRecord
  | StorageUsageRecord
  | NetworkUsageRecord
  | CacheUsageRecord
  | EnergyUsageRecord
  | RevenueRecord;
