/**
 * Request bodies: JSON, or `multipart/form-data` (image edits, transcriptions, translations), which
 * Node's own `Request`/`FormData` parse — no dependency.
 */
import type { IncomingMessage } from 'node:http';
import { invalidRequest, MAX_BODY_BYTES } from './http.js';

/** A file part of a multipart body, as the routes see it: its name, type and bytes. */
export interface UploadedFile {
  kind: 'file';
  filename: string;
  type: string;
  /** Size in bytes (what transcriptions derive the audio's duration from). */
  size: number;
}

/** True when `value` is an {@link UploadedFile}. */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'file';
}

/**
 * Reads a request body: JSON as parsed, multipart as a record of its fields (`"true"`/`"false"`
 * become booleans, repeated `key[]` parts an array, files {@link UploadedFile}s). An empty body is `{}`.
 */
export async function readRequestBody(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBytes(req);
  const type = String(req.headers['content-type'] ?? '');
  if (/^multipart\/form-data/i.test(type)) return parseMultipart(bytes, type);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('We could not parse the JSON body of your request.');
  }
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw invalidRequest('Request body too large.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function parseMultipart(bytes: Buffer, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Request('http://burnrate-sim.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    }).formData();
  } catch {
    throw invalidRequest('We could not parse the multipart body of your request.');
  }
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of form.entries()) {
    const list = rawKey.endsWith('[]');
    const key = list ? rawKey.slice(0, -2) : rawKey;
    const v: unknown =
      typeof value === 'string'
        ? value === 'true'
          ? true
          : value === 'false'
            ? false
            : value
        : ({ kind: 'file', filename: value.name, type: value.type, size: value.size } satisfies UploadedFile);
    const existing = out[key];
    if (existing === undefined) out[key] = list ? [v] : v;
    else out[key] = Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return out;
}
