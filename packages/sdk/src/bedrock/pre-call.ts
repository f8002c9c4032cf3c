import { ATTR } from '@burnrate/semconv';
import type { CallerAttributes } from '../attributes/attribute-context.js';
import { createStderrLogger } from '../logger.js';
import type { CallPlan } from '../record/call-decision.js';
import type { Attributes } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { outputCap, planCall } from '../wrap/pre-call.js';
import { resolveBedrockModel } from './model-id.js';

/** What the pre-call hook made of a Bedrock command's input. */
export interface BedrockPlan {
  /** The input to send: the caller's, or a copy with the model and output cap a processor chose. */
  input: unknown;
  /** The model recorded as `gen_ai.request.model`: the `modelId` sent. */
  modelId: string;
  callId: string | undefined;
  decisionAttributes: Attributes | undefined;
  /** Set when a processor rejected the call: nothing is sent. */
  rejected?: Error;
}

/** The body families whose output cap field is known, for InvokeModel. */
type BodyFamily = 'anthropic' | 'meta' | 'nova' | 'titan-text';

/** The body family of a model id (an ARN, inference profile or base model), or undefined. */
export function bodyFamily(modelId: string): BodyFamily | undefined {
  const base = resolveBedrockModel(modelId).baseModel ?? '';
  if (base.startsWith('anthropic.')) return 'anthropic';
  if (base.startsWith('meta.')) return 'meta';
  if (base.startsWith('amazon.nova')) return 'nova';
  if (base.startsWith('amazon.titan-text')) return 'titan-text';
  return undefined;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An InvokeModel body as JSON (bytes or a string), or undefined when it is neither. */
function parseBody(body: unknown): Json | undefined {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The output cap an InvokeModel body carries, by family. */
function invokeCap(family: BodyFamily | undefined, b: Json): number | undefined {
  const config = (key: string): Json => (isRecord(b[key]) ? (b[key] as Json) : {});
  if (family === 'anthropic') return outputCap(b['max_tokens']);
  if (family === 'meta') return outputCap(b['max_gen_len']);
  if (family === 'nova')
    return (
      outputCap(config('inferenceConfig')['maxTokens']) ??
      outputCap(config('inferenceConfig')['max_new_tokens'])
    );
  if (family === 'titan-text') return outputCap(config('textGenerationConfig')['maxTokenCount']);
  return undefined;
}

/** What an InvokeModel body sends as input, for the estimate (never put on a metric). */
function invokeContent(family: BodyFamily | undefined, b: Json): Json {
  if (family === 'anthropic' || family === 'nova')
    return { system: b['system'], messages: b['messages'], tools: b['tools'] };
  if (family === 'meta') return { prompt: b['prompt'] };
  if (family === 'titan-text') return { prompt: b['inputText'] };
  return { prompt: b['prompt'] ?? b['inputText'] ?? JSON.stringify(b) };
}

/** A copy of an InvokeModel body with the output cap in the family's own field. */
function withInvokeCap(family: BodyFamily, b: Json, cap: number): Json {
  if (family === 'anthropic') return { ...b, max_tokens: cap };
  if (family === 'meta') return { ...b, max_gen_len: cap };
  if (family === 'nova') {
    const c = isRecord(b['inferenceConfig']) ? (b['inferenceConfig'] as Json) : {};
    const field =
      c['maxTokens'] === undefined && c['max_new_tokens'] !== undefined ? 'max_new_tokens' : 'maxTokens';
    return { ...b, inferenceConfig: { ...c, [field]: cap } };
  }
  const c = isRecord(b['textGenerationConfig']) ? (b['textGenerationConfig'] as Json) : {};
  return { ...b, textGenerationConfig: { ...c, maxTokenCount: cap } };
}

/**
 * The decision's attributes for a call whose model change was not applied: it is not marked
 * `downgrade` (it was not downgraded); `cap_output` when its cap was still lowered, else nothing.
 */
export function withoutDowngrade(
  attributes: Attributes | undefined,
  capped: boolean,
): Attributes | undefined {
  if (attributes?.[ATTR.budgetAction] !== 'downgrade') return attributes;
  const { [ATTR.budgetAction]: _dropped, ...rest } = attributes;
  if (capped) return { ...rest, [ATTR.budgetAction]: 'cap_output' };
  return Object.keys(rest).length > 0 ? rest : undefined;
}

const warned = new Set<string>();
const logger = createStderrLogger();

/** Warns once per key (a decision a Bedrock call cannot carry out). */
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  try {
    logger.warn(message);
  } catch {
    // a throwing logger must not reach the call
  }
}

/**
 * Asks the recorder's processors about a Bedrock command before it is sent (the pre-call hook):
 * Converse and ConverseStream carry `modelId`, `inferenceConfig.maxTokens`, `system`, `messages` and
 * `toolConfig.tools`; InvokeModel bodies the cap field of their family (Anthropic `max_tokens`, Meta
 * Llama `max_gen_len`, Amazon Nova `inferenceConfig.maxTokens` / `max_new_tokens`, Titan text
 * `textGenerationConfig.maxTokenCount`). A changed model or cap goes into a copy of the input (and
 * of an InvokeModel body, re-encoded as JSON bytes); the caller's input is never changed. A change
 * the call cannot carry — a model of another body family for InvokeModel, or a cap for a body whose
 * cap field is unknown — is not applied: the call is sent as asked and that is warned about once.
 */
export function planBedrockCall(
  recorder: UsageRecorder,
  rawInput: unknown,
  converse: boolean,
  operation: string,
  streaming: boolean,
  provider: string,
  attributes: CallerAttributes,
): BedrockPlan {
  const input = isRecord(rawInput) ? rawInput : {};
  const modelId =
    typeof input['modelId'] === 'string' && input['modelId'] !== '' ? input['modelId'] : 'unknown';
  const family = bodyFamily(modelId);
  let cap: number | undefined;
  let content: Json;
  let body: Json | undefined;
  if (converse) {
    const config = isRecord(input['inferenceConfig']) ? input['inferenceConfig'] : {};
    cap = outputCap(config['maxTokens']);
    const toolConfig = isRecord(input['toolConfig']) ? input['toolConfig'] : {};
    content = { system: input['system'], messages: input['messages'], tools: toolConfig['tools'] };
  } else {
    body = parseBody(input['body']);
    cap = body ? invokeCap(family, body) : undefined;
    content = body ? invokeContent(family, body) : {};
  }
  // An ARN is decided (priced, scoped) as the model or profile it names; a changed model replaces it.
  const asked = resolveBedrockModel(modelId).pricingModel ?? modelId;
  const plan: CallPlan = planCall(
    recorder,
    { provider, operation, model: asked, maxOutputTokens: cap, streaming, content },
    attributes,
  );
  if (plan.kind === 'reject')
    return {
      input: rawInput,
      modelId,
      callId: undefined,
      decisionAttributes: undefined,
      rejected: plan.error,
    };
  const out: BedrockPlan = {
    input: rawInput,
    modelId,
    callId: plan.callId,
    decisionAttributes: plan.attributes,
  };
  let model = plan.model === asked ? modelId : plan.model;
  let newCap = plan.maxOutputTokens;
  if (!converse && model !== modelId && bodyFamily(model) !== family) {
    warnOnce(
      `model|${modelId}|${model}`,
      `burnrate: a budget asked to send an InvokeModel call to ${model} instead of ${modelId}; its body is for another model family, so it was sent to ${modelId} unchanged (use Converse, or a downgrade_to of the same family)`,
    );
    model = modelId;
  }
  if (!converse && newCap !== cap && (family === undefined || body === undefined)) {
    warnOnce(
      `cap|${modelId}`,
      `burnrate: a budget asked to lower the output cap of an InvokeModel call to ${modelId}, whose body burnrate cannot edit; it was sent unchanged (use Converse)`,
    );
    newCap = cap;
  }
  if (plan.model !== asked && model === modelId)
    out.decisionAttributes = withoutDowngrade(plan.attributes, newCap !== cap);
  if (model === modelId && newCap === cap) return out;
  const sent: Json = { ...input, modelId: model };
  if (newCap !== undefined && newCap !== cap) {
    if (converse) {
      const config = isRecord(input['inferenceConfig']) ? input['inferenceConfig'] : {};
      sent['inferenceConfig'] = { ...config, maxTokens: newCap };
    } else if (body && family) {
      sent['body'] = new TextEncoder().encode(JSON.stringify(withInvokeCap(family, body, newCap)));
    }
  }
  out.input = sent;
  out.modelId = model;
  return out;
}
