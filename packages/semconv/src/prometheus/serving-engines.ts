/**
 * The Prometheus series of the serving engines burnrate's deployment rules read, as each engine
 * exports them (checked against their code and docs, late 2026). burnrate does not own these
 * names; they live here so that rules, tests and the simulator spell them in one place.
 */

/** A serving engine whose metrics the deployment rules read. */
export type EngineName = 'vllm' | 'sglang' | 'tgi';

/** One counter-like series (a counter, or a histogram's `_sum`/`_count`), with fixed matchers. */
export interface EngineSeries {
  /** Series name as scraped, e.g. `vllm:prompt_tokens_total`. */
  name: string;
  /** Extra matchers in PromQL text, e.g. `method="prefill"` (TGI's per-phase batch histogram). */
  matchers?: string;
}

/** Seconds of one phase: a series, or a difference of two (SGLang's decode time). */
export interface EnginePhaseSeconds {
  plus: EngineSeries;
  minus?: EngineSeries;
}

/** What the deployment rules read from one engine. */
export interface EngineMetrics {
  /** Prompt (prefill) tokens served, counter-like. */
  inputTokens: EngineSeries;
  /** Generated (decode) tokens served, counter-like. */
  outputTokens: EngineSeries;
  /** Seconds spent in prefill, counter-like. */
  prefillSeconds: EnginePhaseSeconds;
  /** Seconds spent in decode, counter-like. */
  decodeSeconds: EnginePhaseSeconds;
  /** Requests running now (a gauge). */
  runningRequests: string;
  /** Requests finished (a histogram `_count`), for the observed QPS. */
  requests: EngineSeries;
  /** Seconds of finished requests end to end (the same histogram's `_sum`), for the observed latency. */
  requestSeconds: EngineSeries;
}

/** The series each engine exports. */
export const ENGINE_METRICS: Readonly<Record<EngineName, EngineMetrics>> = {
  // vLLM (V1 engine): vllm/v1/metrics/loggers.py; labels model_name and engine.
  vllm: {
    inputTokens: { name: 'vllm:prompt_tokens_total' },
    outputTokens: { name: 'vllm:generation_tokens_total' },
    prefillSeconds: { plus: { name: 'vllm:request_prefill_time_seconds_sum' } },
    decodeSeconds: { plus: { name: 'vllm:request_decode_time_seconds_sum' } },
    runningRequests: 'vllm:num_requests_running',
    requests: { name: 'vllm:e2e_request_latency_seconds_count' },
    requestSeconds: { name: 'vllm:e2e_request_latency_seconds_sum' },
  },
  // SGLang: python/sglang/srt/metrics/collector.py. It has no decode-time histogram every version
  // exports: prefill is the time to first token (queueing included), decode the rest of the request.
  sglang: {
    inputTokens: { name: 'sglang:prompt_tokens_total' },
    outputTokens: { name: 'sglang:generation_tokens_total' },
    prefillSeconds: { plus: { name: 'sglang:time_to_first_token_seconds_sum' } },
    decodeSeconds: {
      plus: { name: 'sglang:e2e_request_latency_seconds_sum' },
      minus: { name: 'sglang:time_to_first_token_seconds_sum' },
    },
    runningRequests: 'sglang:num_running_reqs',
    requests: { name: 'sglang:e2e_request_latency_seconds_count' },
    requestSeconds: { name: 'sglang:e2e_request_latency_seconds_sum' },
  },
  // Text Generation Inference: router/src (metrics crate). Tokens are histograms of per-request
  // lengths (their _sum is the total); phase time is the batch forward time by method (older
  // routers call decode next_token).
  tgi: {
    inputTokens: { name: 'tgi_request_input_length_sum' },
    outputTokens: { name: 'tgi_request_generated_tokens_sum' },
    prefillSeconds: { plus: { name: 'tgi_batch_inference_duration_sum', matchers: 'method="prefill"' } },
    decodeSeconds: {
      plus: { name: 'tgi_batch_inference_duration_sum', matchers: 'method=~"decode|next_token"' },
    },
    runningRequests: 'tgi_batch_current_size',
    requests: { name: 'tgi_request_duration_count' },
    requestSeconds: { name: 'tgi_request_duration_sum' },
  },
};

/** GPU utilization series the busy ratio prefers over the engine's running requests. */
export const GPU_UTILIZATION_SERIES = {
  /** NVIDIA DCGM exporter: GPU utilization in percent (0–100), one series per GPU. */
  dcgmUtilizationPercent: 'DCGM_FI_DEV_GPU_UTIL',
  /** NVIDIA DCGM exporter: power draw in watts. */
  dcgmPowerWatts: 'DCGM_FI_DEV_POWER_USAGE',
} as const;
