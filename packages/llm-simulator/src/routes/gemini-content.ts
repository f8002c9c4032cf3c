/**
 * What Gemini's REST routes share: the path pattern, the prompt as tokens, the thinking rule, the
 * `usageMetadata` object and Google's error shape.
 *
 * Prompt rule: `systemInstruction` becomes a leading `system` message, each of `contents` a message
 * of its role; text parts count their text tokens, any other part (function calls and responses,
 * inline data, file data) the tokens of its JSON; `tools` count as in chat completions. The counting
 * is the simulator's one o200k_base recipe, not Gemini's tokenizer: deterministic, not Google's.
 */
import { invalidRequest, isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import { encodePrompt, type PromptMessage } from '../tokenizer.js';

/**
 * Gemini and Vertex AI model methods: `/v1beta/models/{model}:{method}` (Gemini API) and
 * `/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}` (Vertex AI; also
 * without `projects/...` in express mode). Group 1 is the model, group 2 the method.
 */
export const GEMINI_PATH =
  /^\/v1[a-z0-9]*\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/[^/]+\/)?models\/([^/]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

/** Tokens of tool-use prompt (`toolUsePromptTokenCount`) per built-in tool (search, code execution, URL context). */
export const TOOL_USE_PROMPT_TOKENS = 64;

const BUILT_IN_TOOLS: readonly string[] = [
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'google_search',
  'code_execution',
  'url_context',
];

/** The model named in a Gemini path, URL-decoded (`gemini-2.5-flash`, or with a `:fault=` suffix). */
export function geminiPathModel(match: RegExpMatchArray): string {
  const raw = match[1] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Whether a request path is one of Gemini's model methods (errors then take Google's shape). */
export function isGeminiPath(path: string): boolean {
  return GEMINI_PATH.test(path);
}

/**
 * Whether a Gemini model thinks by default: `gemini-2.5-pro`, `gemini-2.5-flash` (not `-lite`) and
 * `gemini-3*`. A request with `thinkingConfig.thinkingBudget: 0` turns thinking off.
 */
export function isGeminiThinkingModel(model: string): boolean {
  return /^gemini-(2\.5-pro|2\.5-flash(?!-lite)|3)/.test(model);
}

function partsOf(content: unknown, where: string): unknown[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!isRecord(content)) throw invalidRequest(`Invalid value at '${where}': expected a Content object.`);
  const parts = content['parts'];
  if (!Array.isArray(parts)) throw invalidRequest(`Invalid value at '${where}.parts': expected a list.`);
  return parts;
}

function partContent(parts: readonly unknown[]): unknown[] {
  return parts.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : part));
}

/** The request's `contents` (and `systemInstruction`) as prompt messages. */
export function geminiMessages(body: Record<string, unknown>): PromptMessage[] {
  const messages: PromptMessage[] = [];
  const system = body['systemInstruction'] ?? body['system_instruction'];
  if (system !== undefined && system !== null) {
    messages.push({ role: 'system', content: partContent(partsOf(system, 'system_instruction')) });
  }
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0) {
    throw invalidRequest("Invalid value at 'contents': expected a non-empty list of Content.");
  }
  contents.forEach((content, i) => {
    const role = isRecord(content) && typeof content['role'] === 'string' ? content['role'] : 'user';
    messages.push({ role, content: partContent(partsOf(content, `contents[${i}]`)) });
  });
  return messages;
}

/** The prompt's tokens: contents, system instruction and tools. */
export function geminiPromptTokens(body: Record<string, unknown>): number[] {
  return encodePrompt(geminiMessages(body), body['tools']);
}

/** Built-in tools (Google Search, code execution, URL context) in the request's `tools`. */
export function builtInToolCount(tools: unknown): number {
  if (!Array.isArray(tools)) return 0;
  let n = 0;
  for (const tool of tools) {
    if (!isRecord(tool)) continue;
    for (const key of BUILT_IN_TOOLS) if (key in tool) n += 1;
  }
  return n;
}

/** Gemini's usage split: what the ledger's one `Usage` becomes on the wire. */
export interface GeminiUsageParts {
  /** `promptTokenCount`: the prompt, cached part included. */
  prompt: number;
  /** `cachedContentTokenCount`. */
  cached: number;
  /** `toolUsePromptTokenCount`. */
  toolUse: number;
  /** `candidatesTokenCount`: visible output, thoughts excluded. */
  candidates: number;
  /** `thoughtsTokenCount`. */
  thoughts: number;
}

/** The ledger's usage: input = prompt + tool-use prompt (cached included), output = candidates + thoughts. */
export function geminiLedgerUsage(parts: GeminiUsageParts): Usage {
  return {
    input: parts.prompt + parts.toolUse,
    cached_input: parts.cached,
    cache_write: 0,
    output: parts.candidates + parts.thoughts,
    reasoning: parts.thoughts,
    embeddings: 0,
  };
}

/**
 * Gemini's `usageMetadata`, as the API writes it: counts that are zero are left out (the API omits
 * `cachedContentTokenCount`, `thoughtsTokenCount` and `toolUsePromptTokenCount` when there are none),
 * `totalTokenCount` = prompt + tool-use prompt + candidates + thoughts.
 */
export function geminiUsageMetadata(parts: GeminiUsageParts): Record<string, unknown> {
  const out: Record<string, unknown> = { promptTokenCount: parts.prompt };
  if (parts.candidates > 0) out['candidatesTokenCount'] = parts.candidates;
  out['totalTokenCount'] = parts.prompt + parts.toolUse + parts.candidates + parts.thoughts;
  if (parts.cached > 0) out['cachedContentTokenCount'] = parts.cached;
  if (parts.toolUse > 0) out['toolUsePromptTokenCount'] = parts.toolUse;
  if (parts.thoughts > 0) out['thoughtsTokenCount'] = parts.thoughts;
  out['promptTokensDetails'] = [{ modality: 'TEXT', tokenCount: parts.prompt }];
  if (parts.cached > 0) out['cacheTokensDetails'] = [{ modality: 'TEXT', tokenCount: parts.cached }];
  return out;
}

/** A Google API error body: `{ error: { code, message, status } }`. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

const GOOGLE_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Google's error shape for an HTTP status and message (429: `RESOURCE_EXHAUSTED`). */
export function googleErrorBody(status: number, message: string): GoogleErrorBody {
  return { error: { code: status, message, status: GOOGLE_STATUS[status] ?? 'UNKNOWN' } };
}
