/**
 * What the Bedrock runtime routes share: model ids from the path, model families, Bedrock-shaped
 * errors, response headers, the ledger entry and the JSON body sender.
 *
 * Model ids arrive URL-encoded in the path (`/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse`,
 * or a whole ARN with `%2F`); the ledger keys them as the caller sent them, decoded, fault suffix removed.
 */
import { baseHeaders, type RequestScope, type SimulatorContext } from '../context.js';
import { describeFaults } from '../faults.js';
import { type OutputPlan, planOutput } from '../generation.js';
import { type HttpError, invalidRequest } from '../http.js';
import type { RequestOutcome, Usage } from '../ledger.js';
import { cutConnection, pause, watchAbort } from '../sse.js';

/** `/model/{modelId}/{operation}`, with or without a `/v1` prefix; group 1 is the encoded model id. */
export function bedrockPattern(operation: string): RegExp {
  return new RegExp(`^(?:/v1)?/model/([^/]+)/${operation}$`);
}

/** The model id of a {@link bedrockPattern} match, decoded (an undecodable id is kept as sent). */
export function bedrockModelFromMatch(match: RegExpMatchArray): string {
  const raw = match[1] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Whether a request path is a Bedrock runtime path (`/model/{id}/...`). */
export function isBedrockPath(path: string): boolean {
  return /^(?:\/v1)?\/model\/[^/]+\/[a-z-]+$/.test(path);
}

/** The Bedrock exception an HTTP status stands for, as the service names it. */
const BEDROCK_ERRORS: Readonly<Record<number, string>> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** The Bedrock exception name for an HTTP status (`ThrottlingException` for 429). */
export function bedrockErrorType(status: number): string {
  return BEDROCK_ERRORS[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

/** A Bedrock error body: `{ message }` (the exception's name travels in `x-amzn-errortype`). */
export function bedrockErrorBody(error: HttpError): { message: string } {
  return {
    message: error.status === 429 ? 'Too many requests, please wait before trying again.' : error.message,
  };
}

/**
 * The headers of a Bedrock error: `x-amzn-errortype` (the AWS SDK reads the exception's class from
 * it, so a 429 becomes the client's own `ThrottlingException`) and `x-amzn-requestid`.
 */
export function bedrockErrorHeaders(status: number, requestId: string): Record<string, string> {
  return {
    'x-amzn-errortype': `${bedrockErrorType(status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': requestId,
  };
}

/** Headers of every successful Bedrock response: the simulator's own plus `x-amzn-requestid`. */
export function bedrockHeaders(requestId: string): Record<string, string> {
  return { ...baseHeaders(requestId), 'x-amzn-requestid': requestId };
}

/** Model families whose InvokeModel bodies the simulator speaks. */
export type BedrockFamily = 'anthropic' | 'meta' | 'nova' | 'titan';

/**
 * The base model id of a Bedrock model id: an ARN's resource part (`.../foundation-model/X` or
 * `.../inference-profile/us.X`), then the geography prefix of a cross-region inference profile
 * (`us.`, `eu.`, `apac.`, `global.`, ...) removed.
 */
export function bedrockBaseModel(modelId: string): string {
  const slash = modelId.lastIndexOf('/');
  const resource = modelId.startsWith('arn:') && slash >= 0 ? modelId.slice(slash + 1) : modelId;
  return resource.replace(/^(?:us|us-gov|eu|apac|au|ca|jp|global)\./, '');
}

/** The body family of a model: by its provider prefix, else by the body's shape; undefined when neither says. */
export function bedrockFamily(modelId: string, body: Record<string, unknown>): BedrockFamily | undefined {
  const base = bedrockBaseModel(modelId);
  if (base.startsWith('anthropic.')) return 'anthropic';
  if (base.startsWith('meta.')) return 'meta';
  if (base.startsWith('amazon.nova')) return 'nova';
  if (base.startsWith('amazon.titan-text')) return 'titan';
  if (typeof body['anthropic_version'] === 'string') return 'anthropic';
  if (typeof body['prompt'] === 'string') return 'meta';
  if (typeof body['inputText'] === 'string') return 'titan';
  if (Array.isArray(body['messages'])) return 'nova';
  return undefined;
}

/** Records a served Bedrock request; `stream` comes from the operation (Bedrock bodies carry no `stream` flag). */
export function recordBedrock(
  ctx: SimulatorContext,
  scope: RequestScope,
  stream: boolean,
  usage: Usage,
  outcome: Exclude<RequestOutcome, 'error'>,
  usageReported: boolean,
): void {
  ctx.ledger.record({
    requestId: scope.requestId,
    endpoint: scope.endpoint,
    model: scope.model,
    stream,
    status: 200,
    outcome,
    faults: describeFaults(scope.faults),
    usage,
    usageReported,
  });
}

/**
 * Sends a non-streaming Bedrock JSON body with extra headers (InvokeModel's token-count headers),
 * applying the first-chunk delay, a cut-off and `bad-json` like the other routes, and records it.
 */
export async function sendBedrockJson(
  ctx: SimulatorContext,
  scope: RequestScope,
  payload: unknown,
  usage: Usage,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const isAborted = watchAbort(scope.res);
  const delay = scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs;
  const alive = delay > 0 ? await pause(delay, ctx.signal) : true;
  if (scope.faults.cutoff) {
    cutConnection(scope.res);
    recordBedrock(ctx, scope, false, usage, 'cutoff', false);
    return;
  }
  if (!alive || isAborted()) {
    recordBedrock(ctx, scope, false, usage, 'client_abort', false);
    return;
  }
  const full = JSON.stringify(payload);
  // bad-json: served (and billed) in full, half the body sent, so the usage never became readable.
  const text = scope.faults.badJson ? full.slice(0, Math.floor(full.length / 2)) : full;
  scope.res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...bedrockHeaders(scope.requestId),
    ...extraHeaders,
  });
  scope.res.end(text);
  recordBedrock(ctx, scope, false, usage, scope.faults.badJson ? 'bad_body' : 'ok', !scope.faults.badJson);
}

/** The seeded reply for a prompt, capped at the request's output limit (then `capped`), as the Messages route does. */
export function planCapped(
  model: string,
  promptTokens: readonly number[],
  maxTokens: number | undefined,
): { plan: OutputPlan; capped: boolean } {
  const natural = planOutput({ model, promptTokens, maxTokens: undefined, reasoning: false });
  if (maxTokens === undefined || natural.outputTokens <= maxTokens) return { plan: natural, capped: false };
  return { plan: planOutput({ model, promptTokens, maxTokens, reasoning: false }), capped: true };
}

/** Reads an optional positive integer field of a Bedrock body (`maxTokens`, `max_gen_len`, ...), or throws a 400. */
export function optionalLimit(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRequest(`${name}: expected an integer greater than or equal to 1.`, name);
  }
  return value;
}
