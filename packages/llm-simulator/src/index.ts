/**
 * `@burnrate/llm-simulator`: a local OpenAI- and Anthropic-compatible server with deterministic token counts, a
 * prompt-cache model, reasoning tokens, faults on demand and an exact token ledger.
 */
export {
  type AnthropicPrompt,
  type CacheBreakpoint,
  type CacheOutcome,
  type CacheTtl,
  countAnthropicPromptTokens,
  encodeAnthropicPrompt,
  MAX_CACHE_BREAKPOINTS,
  MIN_ANTHROPIC_CACHED_PREFIX,
} from './anthropic-prompt.js';
export type { LatencyConfig } from './context.js';
export type { FaultConfig } from './faults.js';
export { FAULT_HEADER, MODEL_FAULT_MARKER } from './faults.js';
export {
  MAX_DEFAULT_OUTPUT_TOKENS,
  MIN_DEFAULT_OUTPUT_TOKENS,
  TOKENS_PER_CHUNK,
} from './generation.js';
export type {
  LedgerRequest,
  LedgerSnapshot,
  LedgerView,
  RequestOutcome,
  TokenTally,
  Usage,
} from './ledger.js';
export { MAX_LOGGED_REQUESTS } from './ledger.js';
export { anthropicResponseModel, isReasoningModel, responseModel } from './models.js';
export { CACHE_INCREMENT, MIN_CACHED_PREFIX } from './prompt-cache.js';
export { DEFAULT_EMBEDDING_DIMENSIONS } from './routes/embeddings.js';
export { isGeminiThinkingModel, TOOL_USE_PROMPT_TOKENS } from './routes/gemini-content.js';
export { THINKING_SIGNATURE } from './routes/messages.js';
export { isMistralModel } from './routes/mistral-fim.js';
export type { Simulator, SimulatorOptions } from './server.js';
export { startSimulator } from './server.js';
export type { PromptMessage } from './tokenizer.js';
export {
  countPromptTokens,
  countTextTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD,
  REPLY_PRIMING,
  responsesInputMessages,
} from './tokenizer.js';
export type { VllmOptions } from './vllm-metrics.js';
