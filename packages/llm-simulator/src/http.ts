/** Small HTTP helpers: JSON bodies and OpenAI-shaped errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bedrockErrorBody, bedrockErrorHeaders, isBedrockPath } from './routes/bedrock-common.js';
import { type GoogleErrorBody, googleErrorBody, isGeminiPath } from './routes/gemini-content.js';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** An OpenAI-shaped error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Thrown while reading a request that cannot be served; carries the HTTP status and error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: OpenAIErrorBody;

  constructor(
    status: number,
    message: string,
    type: string,
    param: string | null = null,
    code: string | null = null,
  ) {
    super(message);
    this.status = status;
    this.body = { error: { message, type, param, code } };
  }
}

/** A 400 `invalid_request_error` about `param`. */
export function invalidRequest(message: string, param: string | null = null): HttpError {
  return new HttpError(400, message, 'invalid_request_error', param, null);
}

/** Reads and parses a JSON request body. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw invalidRequest('Request body too large.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('We could not parse the JSON body of your request.');
  }
}

/** Sends a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Whether a value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an optional positive integer parameter (e.g. `max_tokens`), or throws a 400. */
export function optionalPositiveInt(body: Record<string, unknown>, param: string): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRequest(`Invalid '${param}': expected an integer greater than or equal to 1.`, param);
  }
  return value;
}

/** An Anthropic-shaped error body: `{ type: 'error', error: { type, message }, request_id }`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}

const ANTHROPIC_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/** Whether a request path belongs to Anthropic's Messages API (`/v1/messages`, with or without `/v1`). */
export function isAnthropicPath(path: string): boolean {
  const p = path.startsWith('/v1/') ? path.slice(3) : path;
  return p === '/messages' || p.startsWith('/messages/');
}

/**
 * The body of an error response in the flavour of the endpoint: Anthropic's shape for `/v1/messages`
 * (error type by status: `rate_limit_error`, `api_error`, ...), OpenAI's everywhere else.
 */
export function errorBodyFor(
  path: string,
  error: HttpError,
  requestId: string,
): OpenAIErrorBody | AnthropicErrorBody | GoogleErrorBody | { message: string } {
  if (isGeminiPath(path)) return googleErrorBody(error.status, error.message);
  if (isBedrockPath(path)) return bedrockErrorBody(error);
  if (!isAnthropicPath(path)) return error.body;
  return {
    type: 'error',
    error: { type: ANTHROPIC_ERROR_TYPES[error.status] ?? 'api_error', message: error.message },
    request_id: requestId,
  };
}

/**
 * Headers an error response needs in the flavour of the endpoint: Bedrock's `x-amzn-errortype`
 * (from which the AWS SDK picks its exception class) for `/model/{id}/...`, none elsewhere.
 */
export function errorHeadersFor(path: string, status: number, requestId: string): Record<string, string> {
  return isBedrockPath(path) ? bedrockErrorHeaders(status, requestId) : {};
}
