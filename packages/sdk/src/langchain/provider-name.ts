/**
 * LangChain's `ls_provider` values (what each integration's `getLsParams()` reports) mapped to
 * OpenTelemetry `gen_ai.provider.name` values the cost processor prices.
 */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  anthropic: 'anthropic',
  google_genai: 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  google: 'gcp.gemini',
  amazon_bedrock: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  xai: 'x_ai',
  deepseek: 'deepseek',
  groq: 'groq',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

/**
 * The `gen_ai.provider.name` of a LangChain run's `ls_provider`: `openai` → `openai`, `anthropic`
 * → `anthropic`, `google_genai` → `gcp.gemini`, `google_vertexai` → `gcp.vertex_ai`,
 * `amazon_bedrock` → `aws.bedrock`, `mistral` → `mistral_ai`. Others are kept as they are
 * (lower-cased), so the price card can map them; none gives `unknown`.
 */
export function langChainProviderName(lsProvider: unknown): string {
  if (typeof lsProvider !== 'string' || lsProvider === '') return 'unknown';
  const id = lsProvider.toLowerCase();
  return PROVIDERS[id] ?? id;
}
