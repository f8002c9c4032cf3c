/**
 * Server-sent events: framing, pacing, client-abort detection and deliberate cut-offs.
 *
 * Chat completions send `data: <json>` frames and a final `data: [DONE]`; responses send typed frames
 * `event: <type>` + `data: <json>` (no `[DONE]`), as OpenAI does.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A `data:` frame. */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A typed frame: `event: <type>` then `data:`. */
export function eventFrame(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The chat-completions end-of-stream frame. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** One frame to send; `usage` marks the frame that carries the usage object. */
export interface Frame {
  text: string;
  usage?: boolean;
}

/** How a stream is paced and whether it is cut off. */
export interface StreamPlan {
  /** Delay before the first frame, in ms. */
  firstChunkMs: number;
  /** Delay between frames, in ms (0: frames are still written one event-loop turn apart). */
  chunkIntervalMs: number;
  /** Write half of the frames (rounded down, at least 1), then destroy the socket. */
  cutoff: boolean;
}

/** How a stream ended, and whether its usage frame was written. */
export interface StreamResult {
  outcome: 'ok' | 'cutoff' | 'client_abort';
  usageReported: boolean;
}

/** Waits `ms` (or one event-loop turn when 0); resolves `false` when `signal` aborts first. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    if (ms > 0) await sleep(ms, undefined, { signal });
    else await new Promise<void>((resolve) => setImmediate(resolve));
    return !signal.aborted;
  } catch {
    return false;
  }
}

/** Whether the client went away before the response was finished. */
export function watchAbort(res: ServerResponse): () => boolean {
  let aborted = false;
  res.on('close', () => {
    if (!res.writableFinished) aborted = true;
  });
  return () => aborted || res.destroyed;
}

function write(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    res.write(text, () => resolve());
  });
}

/** Destroys the connection under a response once everything written so far has been flushed. */
export function cutConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (socket === null) {
    res.destroy();
    return;
  }
  socket.destroy();
}

/**
 * Sends an SSE response: headers at once, then the frames, paced and possibly cut off.
 * `signal` aborts when the simulator closes.
 */
export async function sendStream(
  res: ServerResponse,
  headers: Record<string, string>,
  frames: readonly Frame[],
  plan: StreamPlan,
  signal: AbortSignal,
): Promise<StreamResult> {
  const isAborted = watchAbort(res);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
  const limit = plan.cutoff ? Math.max(1, Math.floor(frames.length / 2)) : frames.length;
  let usageReported = false;
  for (let i = 0; i < limit; i++) {
    const frame = frames[i];
    if (frame === undefined) break;
    const wait = i === 0 ? plan.firstChunkMs : plan.chunkIntervalMs;
    if (!(await pause(wait, signal)) || isAborted()) return { outcome: 'client_abort', usageReported };
    await write(res, frame.text);
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
