/**
 * `POST /v1/audio/speech` (JSON in, audio bytes out), `/v1/audio/transcriptions` and
 * `/v1/audio/translations` (multipart in).
 *
 * Speech: {@link SPEECH_BYTES_PER_CHARACTER} bytes of (fake) audio per character of `input`; the
 * ledger counts the characters (code points), what tts-1 bills. gpt-4o-mini-tts bills tokens the
 * binary response does not carry; the ledger counts its characters too.
 *
 * Transcriptions and translations: the audio lasts `ceil(file bytes / AUDIO_BYTES_PER_SECOND)`
 * seconds. whisper-1 reports `usage: { type: 'duration', seconds }` (and `duration` in
 * `verbose_json`); gpt-4o(-mini)-transcribe report `usage: { type: 'tokens' }` with
 * {@link AUDIO_TOKENS_PER_SECOND} audio tokens per second plus the prompt's text tokens, output =
 * the transcript's tokens; `text`, `srt` and `vtt` bodies carry no usage. `stream: true`
 * (gpt-4o-transcribe) sends deltas and `transcript.text.done` with the usage.
 */
import {
  baseHeaders,
  type RequestScope,
  recordServed,
  type SimulatorContext,
  sendStreamBody,
  sendUsageBody,
} from '../context.js';
import { planOutput } from '../generation.js';
import { invalidRequest, sendJson } from '../http.js';
import type { Usage } from '../ledger.js';
import { isUploadedFile } from '../request-body.js';
import { eventFrame, type Frame, pause, watchAbort } from '../sse.js';
import { countTextTokens, encodeText } from '../tokenizer.js';

/** Bytes of audio per character of speech input. */
export const SPEECH_BYTES_PER_CHARACTER = 40;
/** Bytes of uploaded audio per second (a 128 kbit/s MP3). */
export const AUDIO_BYTES_PER_SECOND = 16_000;
/** Audio input tokens per second for the token-billed transcription models. */
export const AUDIO_TOKENS_PER_SECOND = 10;

const AUDIO_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

function zeroUsage(): Usage {
  return { input: 0, cached_input: 0, cache_write: 0, output: 0, reasoning: 0, embeddings: 0 };
}

/** `POST /v1/audio/speech`. */
export async function handleSpeech(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const input = scope.body['input'];
  if (typeof input !== 'string' || input === '') {
    throw invalidRequest("Missing required parameter: 'input'.", 'input');
  }
  const characters = [...input].length;
  const usage: Usage = { ...zeroUsage(), units: { characters } };
  const format = typeof scope.body['response_format'] === 'string' ? scope.body['response_format'] : 'mp3';
  const bytes = Buffer.alloc(characters * SPEECH_BYTES_PER_CHARACTER, 0x55);
  const isAborted = watchAbort(scope.res);
  const delay = scope.faults.slowFirstChunkMs ?? ctx.latency.firstChunkMs;
  const alive = delay > 0 ? await pause(delay, ctx.signal) : true;
  if (scope.faults.cutoff) {
    scope.res.destroy();
    recordServed(ctx, scope, usage, 'cutoff', false);
    return;
  }
  if (!alive || isAborted()) {
    recordServed(ctx, scope, usage, 'client_abort', false);
    return;
  }
  scope.res.writeHead(200, {
    'content-type': AUDIO_TYPES[format] ?? 'application/octet-stream',
    'content-length': bytes.length,
    ...baseHeaders(scope.requestId),
  });
  scope.res.end(bytes);
  // The characters are the request's own: nothing in the response reports them.
  recordServed(ctx, scope, usage, 'ok', true);
}

/** `POST /v1/audio/transcriptions` or `/translations`. */
export function audioTextRoute(task: 'transcribe' | 'translate') {
  return async (ctx: SimulatorContext, scope: RequestScope): Promise<void> => {
    const { body, model } = scope;
    const file = body['file'];
    if (!isUploadedFile(file)) throw invalidRequest("Missing required parameter: 'file'.", 'file');
    const seconds = Math.max(1, Math.ceil(file.size / AUDIO_BYTES_PER_SECOND));
    const byDuration = model.toLowerCase().startsWith('whisper');
    const promptTokens = typeof body['prompt'] === 'string' ? countTextTokens(body['prompt']) : 0;
    const plan = planOutput({
      model,
      promptTokens: encodeText(`${file.filename}:${file.size}`),
      maxTokens: undefined,
      reasoning: false,
    });
    const text = plan.text;
    const format = typeof body['response_format'] === 'string' ? body['response_format'] : 'json';
    const usage: Usage = zeroUsage();
    let usageObject: Record<string, unknown>;
    if (byDuration) {
      usage.units = { audio_seconds: seconds };
      usageObject = { type: 'duration', seconds };
    } else {
      const audioTokens = seconds * AUDIO_TOKENS_PER_SECOND;
      usage.input = audioTokens + promptTokens;
      usage.output = plan.outputTokens;
      usageObject = {
        type: 'tokens',
        input_tokens: usage.input,
        input_token_details: { text_tokens: promptTokens, audio_tokens: audioTokens },
        output_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      };
    }
    if (body['stream'] === true && !byDuration) {
      const frames: Frame[] = plan.pieces.map((delta) => ({
        text: eventFrame('transcript.text.delta', { type: 'transcript.text.delta', delta }),
      }));
      frames.push({
        text: eventFrame('transcript.text.done', { type: 'transcript.text.done', text, usage: usageObject }),
        usage: true,
      });
      await sendStreamBody(ctx, scope, frames, usage);
      return;
    }
    if (format === 'text' || format === 'srt' || format === 'vtt') {
      scope.res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...baseHeaders(scope.requestId),
      });
      scope.res.end(text);
      // Served and billed, but nothing in a text body reports the usage.
      recordServed(ctx, scope, usage, 'ok', false);
      return;
    }
    const payload: Record<string, unknown> =
      format === 'verbose_json'
        ? { task, language: 'english', duration: seconds, text, segments: [] }
        : { text };
    // Translations report no usage object (their `verbose_json` has `duration`), as the real API.
    if (task === 'transcribe') payload['usage'] = usageObject;
    if (task === 'translate' && format !== 'verbose_json') {
      sendJsonBody(scope, payload);
      recordServed(ctx, scope, usage, 'ok', false);
      return;
    }
    await sendUsageBody(ctx, scope, payload, usage);
  };
}

function sendJsonBody(scope: RequestScope, payload: unknown): void {
  sendJson(scope.res, 200, payload, baseHeaders(scope.requestId));
}
