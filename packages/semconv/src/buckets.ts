/** Histogram bucket boundaries in seconds: 0.01 … 81.92, doubling (GenAI semconv advice). */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Histogram bucket boundaries in tokens for the legacy `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Histogram bucket boundaries in USD for the request-cost histogram: decades 1e-6 … 10. */
export const COST_BUCKETS_USD: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
