/** Per-instance state shared by the routes, and the request preamble common to them. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicPromptCache } from './anthropic-prompt.js';
import {
  describeFaults,
  FAULT_HEADER,
  type FaultPlanner,
  type FaultSet,
  noFaults,
  parseFaultSpec,
  splitModel,
} from './faults.js';
import { errorBodyFor, errorHeadersFor, HttpError, invalidRequest, isRecord, sendJson } from './http.js';
import type { Ledger, RequestOutcome, Usage } from './ledger.js';
import type { PromptCache } from './prompt-cache.js';
import { readRequestBody } from './request-body.js';
import type { BackgroundResponses } from './routes/background-responses.js';
import { cutConnection, type Frame, pause, sendStream, watchAbort } from './sse.js';
import type { VllmMetrics } from './vllm-metrics.js';

/** Response pacing. */
export interface LatencyConfig {
  /** Delay before the first SSE frame, or before a non-streaming body, in ms. Default 0. */
  firstChunkMs?: number;
  /** Delay between SSE frames, in ms. Default 0 (frames still go out one event-loop turn apart). */
  chunkIntervalMs?: number;
}

/** Everything one simulator instance owns. */
export interface SimulatorContext {
  ledger: Ledger;
  promptCache: PromptCache;
  /** Anthropic's explicit (`cache_control`) prompt cache, for `/v1/messages`. */
  anthropicCache: AnthropicPromptCache;
  faults: FaultPlanner;
  latency: Required<LatencyConfig>;
  /** Aborts when the simulator closes. */
  signal: AbortSignal;
  /** A new id with a prefix, unique within the instance (`chatcmpl-sim000001`). */
  nextId(prefix: string): string;
  /** Background responses (`background: true`) until they are retrieved finished. */
  background: BackgroundResponses;
  /** vLLM-style metrics at `GET /metrics`, when the simulator acts as a vLLM server. */
  vllm?: VllmMetrics;
}

/** One API request after the preamble: body parsed, model and faults known. */
export interface RequestScope {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  endpoint: string;
  body: Record<string, unknown>;
  /** Requested model, fault suffix removed. */
  model: string;
  faults: FaultSet;
}

/** Headers on every API response: the request id as OpenAI (`x-request-id`) and Anthropic (`request-id`) send it. */
export function baseHeaders(requestId: string): Record<string, string> {
  return { 'x-request-id': requestId, 'request-id': requestId, 'openai-processing-ms': '0' };
}

/**
 * Reads the body, the model and the faults of an API request. Sends (and records) a 429 or 500 when a
 * fault asks for one and returns `undefined`; throws {@link HttpError} for a bad request.
 */
export async function beginRequest(
  ctx: SimulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: string,
  requestId: string,
  /** The model named in the URL (Gemini, Bedrock), used when the body names none. */
  urlModel?: string,
): Promise<RequestScope | undefined> {
  // JSON, or multipart for image edits and audio uploads.
  const body = await readRequestBody(req);
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  const rawModel = typeof body['model'] === 'string' ? body['model'] : urlModel;
  if (typeof rawModel !== 'string' || rawModel === '') {
    throw invalidRequest('you must provide a model parameter', 'model');
  }
  const { model, faultSpec } = splitModel(rawModel);
  const faults = ctx.faults.draw();
  const requested: FaultSet = noFaults();
  const header = req.headers[FAULT_HEADER];
  const specs = [...(Array.isArray(header) ? header : header === undefined ? [] : [header])];
  if (faultSpec !== undefined) specs.push(faultSpec);
  for (const spec of specs) {
    const problem = parseFaultSpec(spec, requested, ctx.faults.slowFirstChunkMs);
    if (problem !== undefined) throw invalidRequest(problem, faultSpec !== undefined ? 'model' : null);
  }
  faults.status = requested.status ?? faults.status;
  faults.cutoff ||= requested.cutoff;
  faults.slowFirstChunkMs = requested.slowFirstChunkMs ?? faults.slowFirstChunkMs;
  faults.badJson ||= requested.badJson;
  const stream = body['stream'] === true;
  if (faults.status !== undefined) {
    const error =
      faults.status === 429
        ? new HttpError(
            429,
            `Rate limit reached for ${model} (simulated by burnrate-sim).`,
            'requests',
            null,
            'rate_limit_exceeded',
          )
        : new HttpError(
            500,
            'The server had an error while processing your request (simulated by burnrate-sim).',
            'server_error',
          );
    const retryMs = ctx.faults.retryAfterMs;
    const headers: Record<string, string> =
      faults.status === 429
        ? { 'retry-after': String(Math.ceil(retryMs / 1000)), 'retry-after-ms': String(retryMs) }
        : {};
    sendJson(res, error.status, errorBodyFor(endpoint, error, requestId), {
      ...baseHeaders(requestId),
      ...headers,
      ...errorHeadersFor(endpoint, error.status, requestId),
    });
    ctx.ledger.record({
      requestId,
      endpoint,
      model,
      stream,
      status: error.status,
      outcome: 'error',
      faults: describeFaults(faults),
      usage: null,
      usageReported: false,
    });
    return undefined;
  }
  return { req, res, requestId, endpoint, body, model, faults };
}

/** Records a request that was served (HTTP 200), however it ended. */
export function recordServed(
  ctx: SimulatorContext,
  scope: RequestScope,
  usage: Usage,
  outcome: Exclude<RequestOutcome, 'error'>,
  usageReported: boolean,
): void {
  ctx.ledger.record({
    requestId: scope.requestId,
    endpoint: scope.endpoint,
    model: scope.model,
    stream: scope.body['stream'] === true,
    status: 200,
    outcome,
    faults: describeFaults(scope.faults),
    usage,
    usageReported,
  });
}

/**
 * Sends a non-streaming JSON body that carries `usage`, applying the first-chunk delay, a cut-off
 * (the socket is destroyed before any byte is sent) and `bad-json` (HTTP 200, a JSON content type,
 * half the body), and records the request.
 */
export async function sendUsageBody(
  ctx: SimulatorContext,
  scope: RequestScope,
  payload: unknown,
  usage: Usage,
): Promise<void> {
  const isAborted = watchAbort(scope.res);
  const delay = scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs;
  const alive = delay > 0 ? await pause(delay, ctx.signal) : true;
  if (scope.faults.cutoff) {
    cutConnection(scope.res);
    recordServed(ctx, scope, usage, 'cutoff', false);
    return;
  }
  if (!alive || isAborted()) {
    recordServed(ctx, scope, usage, 'client_abort', false);
    return;
  }
  if (scope.faults.badJson) {
    const text = JSON.stringify(payload);
    const half = text.slice(0, Math.floor(text.length / 2));
    scope.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(half),
      ...baseHeaders(scope.requestId),
    });
    scope.res.end(half);
    // Served (and billed) in full; the usage it carried never became readable.
    recordServed(ctx, scope, usage, 'bad_body', false);
    return;
  }
  sendJson(scope.res, 200, payload, baseHeaders(scope.requestId));
  recordServed(ctx, scope, usage, 'ok', true);
}

/**
 * Streams `frames` (SSE) with the configured pacing and the request's first-chunk delay and cut-off
 * faults, and records the request with how it ended and whether its usage frame reached the client.
 */
export async function sendStreamBody(
  ctx: SimulatorContext,
  scope: RequestScope,
  frames: readonly Frame[],
  usage: Usage,
): Promise<void> {
  const result = await sendStream(
    scope.res,
    baseHeaders(scope.requestId),
    frames,
    {
      firstChunkMs: scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs,
      chunkIntervalMs: ctx.latency.chunkIntervalMs,
      cutoff: scope.faults.cutoff,
    },
    ctx.signal,
  );
  recordServed(ctx, scope, usage, result.outcome, result.usageReported);
}

/** The service tier a response reports: the requested one, `default` for `auto` or none. */
export function serviceTier(requested: unknown): string {
  if (requested === 'flex' || requested === 'priority' || requested === 'scale' || requested === 'default') {
    return requested;
  }
  return 'default';
}

/** Seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
