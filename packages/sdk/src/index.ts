export {
  type BurnrateLanguageModelMiddleware,
  type BurnrateMiddlewareOptions,
  burnrateMiddleware,
} from './ai-sdk/burnrate-middleware.js';
export {
  type BurnrateEmbeddingMiddlewareOptions,
  type BurnrateEmbeddingModelMiddleware,
  burnrateEmbeddingMiddleware,
} from './ai-sdk/embedding-middleware.js';
export type { AiSdkCallParamsLike, AiSdkMiddlewareOptions, AiSdkModelLike } from './ai-sdk/model-call.js';
export { normalizeAiSdkUsage } from './ai-sdk/normalize-usage.js';
export { aiSdkProviderName } from './ai-sdk/provider-name.js';
export {
  type AnthropicLike,
  type InstrumentAnthropicOptions,
  instrumentAnthropic,
} from './anthropic/instrument-anthropic.js';
export { mergeAnthropicUsage, normalizeAnthropicUsage } from './anthropic/normalize-usage.js';
export {
  type CallerAttributes,
  currentAttributes,
  withAttributes,
} from './attributes/attribute-context.js';
export {
  CardinalityGuard,
  type CardinalityOptions,
  DEFAULT_ALLOWED_ATTRIBUTES,
  OVERFLOW_VALUE,
  REDACTED_VALUE,
} from './attributes/cardinality-guard.js';
export {
  type BedrockClientLike,
  type InstrumentBedrockOptions,
  instrumentBedrock,
} from './bedrock/instrument-bedrock.js';
export { type BedrockModel, resolveBedrockModel } from './bedrock/model-id.js';
export { normalizeBedrockUsage, normalizeInvokeBody } from './bedrock/normalize-usage.js';
export { type Clock, createManualClock, type ManualClock, realClock } from './clock.js';
export { BurnrateError } from './errors.js';
export {
  type GoogleGenAILike,
  type InstrumentGoogleGenAIOptions,
  instrumentGoogleGenAI,
} from './google/instrument-google-genai.js';
export { normalizeGeminiEmbeddingUsage, normalizeGeminiUsage } from './google/normalize-usage.js';
export {
  type EnergyOptions,
  GpuMeter,
  type GpuOptions,
  normalizeGpuModel,
  type StopGpu,
} from './gpu/gpu-meter.js';
export {
  type GpuSample,
  type MigDevice,
  NVIDIA_SMI_FIELDS,
  type NvidiaSmiSampler,
  type NvidiaSmiSamplerOptions,
  parseNvidiaSmiCsv,
  parseNvidiaSmiList,
  startNvidiaSmiSampler,
} from './gpu/nvidia-smi-sampler.js';
export {
  BurnrateCallbackHandler,
  type BurnrateCallbackHandlerOptions,
} from './langchain/burnrate-callback-handler.js';
export { normalizeLangChainUsage } from './langchain/normalize-usage.js';
export { langChainProviderName } from './langchain/provider-name.js';
export { type BurnrateLogger, createStderrLogger } from './logger.js';
export {
  type InstrumentMistralOptions,
  instrumentMistral,
  type MistralLike,
} from './mistral/instrument-mistral.js';
export { normalizeMistralUsage } from './mistral/normalize-usage.js';
export {
  type InstrumentOpenAIOptions,
  instrumentOpenAI,
  type OpenAILike,
} from './openai/instrument-openai.js';
export { normalizeOpenAIUsage } from './openai/normalize-usage.js';
export type * from './record/call-decision.js';
export {
  type ContainerUnits,
  type ImageUnits,
  reportsTokens,
  type UnitUsage,
} from './record/unit-usage.js';
export type * from './record/usage-processor.js';
export type * from './record/usage-record.js';
export {
  type CacheLookupOptions,
  createUsageRecorder,
  type LlmCall,
  llmMetricAttributes,
  type NetworkOptions,
  type StorageOptions,
  type UsageRecorder,
  type UsageRecorderOptions,
} from './recorder/usage-recorder.js';
export { VERSION } from './version.js';
export { outputCap, planCall, type RejectedCall, rejectedCall } from './wrap/pre-call.js';
export { identifyServer, type ServerIdentity } from './wrap/provider-name.js';
