/**
 * Model names the simulator knows. Any other model name is accepted too: it is served under its own name.
 */

/** Known model aliases and the dated snapshot OpenAI reports as `model` in responses. */
const SNAPSHOTS: Readonly<Record<string, string>> = {
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  o1: 'o1-2024-12-17',
  o3: 'o3-2025-04-16',
  'o3-mini': 'o3-mini-2025-01-31',
  'o4-mini': 'o4-mini-2025-04-16',
};

/** Embedding models listed by `GET /v1/models`. */
const EMBEDDING_MODELS: readonly string[] = [
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
];

/**
 * The model name a response reports: the dated snapshot for a known alias (`gpt-4o-mini` ->
 * `gpt-4o-mini-2024-07-18`), otherwise the requested name unchanged.
 */
export function responseModel(requested: string): string {
  return SNAPSHOTS[requested] ?? requested;
}

/** Whether a model spends reasoning tokens: names starting with `o1`, `o3`, `o4` or `gpt-5` (not `gpt-5-chat`). */
export function isReasoningModel(model: string): boolean {
  if (model.startsWith('gpt-5-chat')) return false;
  return /^(o1|o3|o4|gpt-5)/.test(model);
}

/** One entry of `GET /v1/models`. */
export interface ModelInfo {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The model list served at `GET /v1/models`. */
export function listModels(): ModelInfo[] {
  const ids = [...Object.keys(SNAPSHOTS), ...Object.values(SNAPSHOTS), ...EMBEDDING_MODELS];
  return ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'burnrate-sim' }));
}

/** Anthropic model aliases and the dated model the Messages API reports for them. */
const ANTHROPIC_SNAPSHOTS: Readonly<Record<string, string>> = {
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
};

/**
 * The model name a Messages API response reports: the dated model for a known alias
 * (`claude-sonnet-4-0` → `claude-sonnet-4-20250514`), otherwise the requested name unchanged.
 */
export function anthropicResponseModel(requested: string): string {
  return ANTHROPIC_SNAPSHOTS[requested] ?? requested;
}
