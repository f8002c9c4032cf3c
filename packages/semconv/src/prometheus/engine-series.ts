/**
 * The Prometheus series serving engines export for what they served, as burnrate reads them
 * (`burnrate compare --prometheus`, deployment rules). Not burnrate's names: the engines' own.
 */
export interface EngineSeries {
  /** Counter of input (prompt) tokens processed. */
  inputTokens: string;
  /** Counter of output (generated) tokens. */
  outputTokens: string;
  /** Counter of finished requests (a histogram's `_count`). */
  requests: string;
  /** Counter of the seconds those requests took end to end (the same histogram's `_sum`). */
  latencySum: string;
  /** Counter of seconds spent in prefill (input), summed over requests; absent when the engine has none. */
  prefillTimeSum?: string;
  /**
   * Counter of seconds spent in decode (output); absent when the engine has none (then decode is
   * end-to-end time minus prefill time).
   */
  decodeTimeSum?: string;
  /** Gauge of requests running now (the batch in flight). */
  running: string;
}

/** Series by engine (`deployments[].server.engine`). */
export const ENGINE_SERIES = {
  vllm: {
    inputTokens: 'vllm:prompt_tokens_total',
    outputTokens: 'vllm:generation_tokens_total',
    requests: 'vllm:e2e_request_latency_seconds_count',
    latencySum: 'vllm:e2e_request_latency_seconds_sum',
    prefillTimeSum: 'vllm:request_prefill_time_seconds_sum',
    decodeTimeSum: 'vllm:request_decode_time_seconds_sum',
    running: 'vllm:num_requests_running',
  },
  sglang: {
    inputTokens: 'sglang:prompt_tokens_total',
    outputTokens: 'sglang:generation_tokens_total',
    requests: 'sglang:e2e_request_latency_seconds_count',
    latencySum: 'sglang:e2e_request_latency_seconds_sum',
    // SGLang has no prefill-time histogram; time to first token is prefill plus queueing.
    prefillTimeSum: 'sglang:time_to_first_token_seconds_sum',
    running: 'sglang:num_running_reqs',
  },
  tgi: {
    // TGI counts tokens in per-request histograms: their sums are the token counters.
    inputTokens: 'tgi_request_input_length_sum',
    outputTokens: 'tgi_request_generated_tokens_sum',
    requests: 'tgi_request_duration_count',
    latencySum: 'tgi_request_duration_sum',
    running: 'tgi_batch_current_size',
  },
} as const satisfies Record<'vllm' | 'sglang' | 'tgi', EngineSeries>;
