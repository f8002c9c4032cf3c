/**
 * AI SDK provider ids (the part before the first `.` of `model.provider`, e.g. `openai` of
 * `openai.responses`) mapped to OpenTelemetry `gen_ai.provider.name` values the cost processor
 * prices. `google.vertex.*` is Vertex AI, the rest of `google.*` the Gemini API.
 */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  deepseek: 'deepseek',
  groq: 'groq',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

/**
 * The `gen_ai.provider.name` of an AI SDK model's `provider` id: `openai.chat` and
 * `openai.responses` → `openai`, `anthropic.messages` → `anthropic`, `google.generative-ai` →
 * `gcp.gemini`, `google.vertex.chat` → `gcp.vertex_ai`, `amazon-bedrock` → `aws.bedrock`,
 * `mistral.chat` → `mistral_ai`. Unknown ids are kept as they are (lower-cased, up to the first `.`),
 * so the price card can map them; an empty id gives `unknown`.
 */
export function aiSdkProviderName(provider: unknown): string {
  if (typeof provider !== 'string' || provider === '') return 'unknown';
  const id = provider.toLowerCase();
  if (id.startsWith('google.vertex')) return 'gcp.vertex_ai';
  const head = id.split('.')[0] ?? id;
  return PROVIDERS[head] ?? head;
}
