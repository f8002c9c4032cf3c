/**
 * The AWS event-stream encoding (`application/vnd.amazon.eventstream`) that Bedrock's streaming
 * operations answer in, and a paced sender for it.
 *
 * One message: a 12-byte prelude (total length, headers length, both uint32 big-endian, then the
 * CRC32 of those 8 bytes), the headers (each: name length uint8, name, value type 7 = string,
 * value length uint16, value), the payload, and the CRC32 of everything before it. Every event
 * carries `:event-type`, `:content-type` and `:message-type: event`.
 */
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import type { SimulatorContext } from '../context.js';
import { cutConnection, pause, watchAbort } from '../sse.js';

/** Header value type of a UTF-8 string in the event-stream encoding. */
const STRING_HEADER = 7;

/** Encodes one event-stream message from string headers and a payload. */
export function encodeEventMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(4 + n.length + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(STRING_HEADER, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  const headerBytes = Buffer.concat(parts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An event message whose payload is the JSON of `body`. */
export function jsonEvent(eventType: string, body: unknown): Buffer {
  return encodeEventMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(body), 'utf8'),
  );
}

/** One binary frame to send; `usage` marks the frame that carries the usage. */
export interface BinaryFrame {
  bytes: Buffer;
  usage?: boolean;
}

/** How a binary stream ended, and whether its usage frame was written. */
export interface BinaryStreamResult {
  outcome: 'ok' | 'cutoff' | 'client_abort';
  usageReported: boolean;
}

function write(res: ServerResponse, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    res.write(bytes, () => resolve());
  });
}

/**
 * Sends an event-stream response: headers at once, then the frames, paced like the SSE routes, cut
 * off after half the frames when the request's faults ask for it.
 */
export async function sendEventStream(
  ctx: SimulatorContext,
  res: ServerResponse,
  headers: Record<string, string>,
  frames: readonly BinaryFrame[],
  plan: { firstChunkMs: number; cutoff: boolean },
): Promise<BinaryStreamResult> {
  const isAborted = watchAbort(res);
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', ...headers });
  res.flushHeaders();
  const limit = plan.cutoff ? Math.max(1, Math.floor(frames.length / 2)) : frames.length;
  let usageReported = false;
  for (let i = 0; i < limit; i++) {
    const frame = frames[i];
    if (frame === undefined) break;
    const wait = i === 0 ? plan.firstChunkMs : ctx.latency.chunkIntervalMs;
    if (!(await pause(wait, ctx.signal)) || isAborted()) return { outcome: 'client_abort', usageReported };
    await write(res, frame.bytes);
    if (isAborted()) return { outcome: 'client_abort', usageReported };
    if (frame.usage === true) usageReported = true;
  }
  if (plan.cutoff) {
    cutConnection(res);
    return { outcome: 'cutoff', usageReported };
  }
  res.end();
  return { outcome: 'ok', usageReported };
}
