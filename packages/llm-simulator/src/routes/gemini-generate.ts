/**
 * Gemini's `POST …/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`.
 *
 * Output rule: the seeded length of chat completions (16–64 tokens, a function of model and prompt),
 * or exactly `generationConfig.maxOutputTokens`. Thinking models (see `isGeminiThinkingModel`) spend
 * `floor(output / 2)` of it on thoughts (`thoughtsTokenCount`, never shown as text) unless
 * `thinkingConfig.thinkingBudget` is 0; `candidatesTokenCount` is the rest. A prompt sharing a prefix
 * of at least 1024 tokens with an earlier one of the same model reports the shared part, in blocks of
 * 128, as `cachedContentTokenCount` (implicit caching; part of `promptTokenCount`). Each built-in tool
 * (Google Search, code execution, URL context) adds {@link TOOL_USE_PROMPT_TOKENS} of
 * `toolUsePromptTokenCount`.
 *
 * Function calling: when the request declares functions (`tools[].functionDeclarations`), the
 * function-calling mode is not `NONE` and the last content carries no `functionResponse`, the reply
 * is one `functionCall` of the first declared function (arguments: `"sim"` for strings, 1 for
 * numbers, `true` for booleans), whose candidates tokens are the tokens of its JSON; the follow-up
 * request with the function's response gets a text answer. So the client's automatic function
 * calling makes exactly two model calls.
 *
 * Streams send `data:` frames of `GenerateContentResponse` chunks; every chunk carries the
 * `usageMetadata` so far (prompt, thoughts, candidates up to that chunk), the last one the final
 * counts and `finishReason: STOP`, as Gemini does.
 */
import { type RequestScope, type SimulatorContext, sendStreamBody, sendUsageBody } from '../context.js';
import { chunkPieces, planOutput, TOKENS_PER_CHUNK } from '../generation.js';
import { isRecord } from '../http.js';
import type { Usage } from '../ledger.js';
import { dataFrame, type Frame } from '../sse.js';
import { countTextTokens } from '../tokenizer.js';
import {
  builtInToolCount,
  type GeminiUsageParts,
  geminiLedgerUsage,
  geminiPromptTokens,
  geminiUsageMetadata,
  isGeminiThinkingModel,
  TOOL_USE_PROMPT_TOKENS,
} from './gemini-content.js';

interface FunctionCall {
  name: string;
  args: Record<string, unknown>;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function argumentFor(schema: unknown): unknown {
  const type = String(record(schema)['type'] ?? '').toLowerCase();
  if (type === 'string') return 'sim';
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return null;
}

/** The function call the reply makes, if any (see the module comment). */
function plannedCall(body: Record<string, unknown>): FunctionCall | undefined {
  const mode = record(record(body['toolConfig'])['functionCallingConfig'])['mode'];
  if (typeof mode === 'string' && mode.toUpperCase() === 'NONE') return undefined;
  const contents = Array.isArray(body['contents']) ? body['contents'] : [];
  const last = record(contents[contents.length - 1]);
  const parts = Array.isArray(last['parts']) ? last['parts'] : [];
  if (parts.some((p) => isRecord(p) && 'functionResponse' in p)) return undefined;
  const tools = Array.isArray(body['tools']) ? body['tools'] : [];
  for (const tool of tools) {
    const t = record(tool);
    const declarations = t['functionDeclarations'] ?? t['function_declarations'];
    if (!Array.isArray(declarations)) continue;
    const first = record(declarations[0]);
    if (typeof first['name'] !== 'string') continue;
    const schema = record(first['parameters'] ?? first['parametersJsonSchema']);
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record(schema['properties']))) args[key] = argumentFor(value);
    return { name: first['name'], args };
  }
  return undefined;
}

/** Serves `:generateContent` (`stream` false) or `:streamGenerateContent` (`stream` true). */
async function serve(ctx: SimulatorContext, scope: RequestScope, stream: boolean): Promise<void> {
  const { body, model } = scope;
  // The ledger reads `stream` from the body; Gemini says it in the URL instead.
  if (stream) body['stream'] = true;
  const promptTokens = geminiPromptTokens(body);
  const cached = ctx.promptCache.lookupAndStore(model, promptTokens);
  const config = record(body['generationConfig']);
  const maxTokens =
    typeof config['maxOutputTokens'] === 'number' && config['maxOutputTokens'] >= 1
      ? Math.floor(config['maxOutputTokens'])
      : undefined;
  const budget = record(config['thinkingConfig'])['thinkingBudget'];
  const plan = planOutput({
    model,
    promptTokens,
    maxTokens,
    reasoning: isGeminiThinkingModel(model),
    reasoningEffort: budget === 0 ? 'none' : undefined,
  });
  const call = plannedCall(body);
  const parts: GeminiUsageParts = {
    prompt: promptTokens.length,
    cached,
    toolUse: builtInToolCount(body['tools']) * TOOL_USE_PROMPT_TOKENS,
    candidates: call ? countTextTokens(JSON.stringify(call)) : plan.outputTokens - plan.reasoningTokens,
    thoughts: plan.reasoningTokens,
  };
  const usage: Usage = geminiLedgerUsage(parts);
  const common = { modelVersion: model, responseId: ctx.nextId('gemini-resp-') };
  const candidate = (modelParts: unknown[], finish: boolean): Record<string, unknown> => ({
    content: { parts: modelParts, role: 'model' },
    ...(finish ? { finishReason: 'STOP' } : {}),
    index: 0,
  });

  if (!stream) {
    const payload = {
      candidates: [candidate(call ? [{ functionCall: call }] : [{ text: plan.text }], true)],
      usageMetadata: geminiUsageMetadata(parts),
      ...common,
    };
    await sendUsageBody(ctx, scope, payload, usage);
    return;
  }

  const frames: Frame[] = [];
  if (call) {
    frames.push({
      text: dataFrame({
        candidates: [candidate([{ functionCall: call }], true)],
        usageMetadata: geminiUsageMetadata(parts),
        ...common,
      }),
      usage: true,
    });
  } else {
    const pieces = chunkPieces(plan.pieces);
    pieces.forEach((text, i) => {
      const last = i === pieces.length - 1;
      // Each piece is one token: the candidates so far are the pieces sent so far.
      const shown = Math.min((i + 1) * TOKENS_PER_CHUNK, parts.candidates);
      const soFar = last ? parts : { ...parts, candidates: shown };
      frames.push({
        text: dataFrame({
          candidates: [candidate([{ text }], last)],
          usageMetadata: geminiUsageMetadata(soFar),
          ...common,
        }),
        ...(last ? { usage: true } : {}),
      });
    });
  }
  await sendStreamBody(ctx, scope, frames, usage);
}

/** `POST …/models/{model}:generateContent`. */
export function handleGeminiGenerate(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  return serve(ctx, scope, false);
}

/** `POST …/models/{model}:streamGenerateContent?alt=sse`. */
export function handleGeminiStream(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  return serve(ctx, scope, true);
}
