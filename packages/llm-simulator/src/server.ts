/** The simulator's HTTP server and its public entry point, {@link startSimulator}. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnthropicPromptCache } from './anthropic-prompt.js';
import { baseHeaders, beginRequest, type LatencyConfig, type SimulatorContext } from './context.js';
import { type FaultConfig, FaultPlanner } from './faults.js';
import { errorBodyFor, errorHeadersFor, HttpError, sendJson } from './http.js';
import { Ledger, type LedgerSnapshot } from './ledger.js';
import { listModels } from './models.js';
import { PromptCache } from './prompt-cache.js';
import { audioTextRoute, handleSpeech } from './routes/audio.js';
import {
  BackgroundResponses,
  handleRetrieveResponse,
  RETRIEVE_PATTERN,
} from './routes/background-responses.js';
import { bedrockModelFromMatch, bedrockPattern } from './routes/bedrock-common.js';
import { handleConverse, handleConverseStream } from './routes/bedrock-converse.js';
import { createDualProtocolServer } from './routes/bedrock-h2c.js';
import { handleInvokeModel, handleInvokeModelStream } from './routes/bedrock-invoke.js';
import { handleChatCompletions } from './routes/chat-completions.js';
import { handleCompact } from './routes/compact.js';
import { handleEmbeddings } from './routes/embeddings.js';
import { GEMINI_PATH, geminiPathModel } from './routes/gemini-content.js';
import { handleGeminiBatchEmbed, handleGeminiEmbed } from './routes/gemini-embed.js';
import { handleGeminiGenerate, handleGeminiStream } from './routes/gemini-generate.js';
import { IMAGES_PATTERN, imagesRoute } from './routes/images.js';
import { handleMessages } from './routes/messages.js';
import { handleFimCompletions } from './routes/mistral-fim.js';
import { handleResponses } from './routes/responses.js';
import { VllmMetrics, type VllmOptions } from './vllm-metrics.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port to listen on. Default 0: a free port chosen by the OS. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Random faults by configuration. Default: none. */
  faults?: FaultConfig;
  /** Response pacing. Default: no delays. */
  latency?: LatencyConfig;
  /** Act as a vLLM server too: vLLM-style Prometheus metrics of what it served at `GET /metrics`. */
  vllm?: VllmOptions;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL of the OpenAI-compatible API, ending in `/v1` (use it as the openai client's `baseURL`). */
  url: string;
  /**
   * Base URL for Anthropic's client, without `/v1` (the `@anthropic-ai/sdk` client adds
   * `/v1/messages` itself): `new Anthropic({ baseURL: sim.anthropicUrl })`.
   */
  anthropicUrl: string;
  /** The port it listens on. */
  port: number;
  /** The interface it listens on. */
  host: string;
  /** `GET /metrics` with vLLM-style metrics, when started with `vllm`. */
  metricsUrl?: string;
  /** A deep copy of the ledger (also served at `GET /_burnrate/ledger`). */
  ledger(): LedgerSnapshot;
  /** Empties the ledger (also `DELETE /_burnrate/ledger`). The prompt cache is kept. */
  resetLedger(): void;
  /** Forgets every prompt (and every Anthropic cache entry), so no later prompt is cached until it repeats. */
  resetPromptCache(): void;
  /** Stops listening, ends open connections and pending streams. */
  close(): Promise<void>;
}

type Route = (
  ctx: SimulatorContext,
  scope: NonNullable<Awaited<ReturnType<typeof beginRequest>>>,
) => Promise<void>;

/**
 * A route whose path carries parameters (Gemini's `/v1beta/models/{model}:generateContent`,
 * Bedrock's `/model/{modelId}/converse`). Matched against the whole path, query removed, after the
 * exact routes. `model` reads the requested model from the match when the body names none.
 */
interface PatternRoute {
  pattern: RegExp;
  route: Route;
  /** The HTTP method it serves. Default POST. */
  method?: 'GET' | 'POST';
  model?: (match: RegExpMatchArray) => string;
}

/** Gemini's model methods, by the method named after the model in the path. */
const GEMINI_METHODS: Readonly<Record<string, Route>> = {
  generateContent: handleGeminiGenerate,
  streamGenerateContent: handleGeminiStream,
  embedContent: handleGeminiEmbed,
  batchEmbedContents: handleGeminiBatchEmbed,
};

function geminiRoute(ctx: SimulatorContext, scope: Parameters<Route>[1]): Promise<void> {
  const method = scope.endpoint.match(GEMINI_PATH)?.[2] ?? '';
  const route = GEMINI_METHODS[method] ?? handleGeminiGenerate;
  return route(ctx, scope);
}

/** Routes with parameters in their path, tried in order; each API adds its entries here. */
const PATTERN_ROUTES: readonly PatternRoute[] = [
  { pattern: bedrockPattern('converse'), route: handleConverse, model: bedrockModelFromMatch },
  { pattern: bedrockPattern('converse-stream'), route: handleConverseStream, model: bedrockModelFromMatch },
  { pattern: bedrockPattern('invoke'), route: handleInvokeModel, model: bedrockModelFromMatch },
  {
    pattern: bedrockPattern('invoke-with-response-stream'),
    route: handleInvokeModelStream,
    model: bedrockModelFromMatch,
  },
  { pattern: GEMINI_PATH, route: geminiRoute, model: geminiPathModel },
  // The stored response names its model; the placeholder only gets the request past the preamble.
  { pattern: RETRIEVE_PATTERN, route: handleRetrieveResponse, method: 'GET', model: () => 'retrieve' },
  // The images API's default model when the request names none: dall-e-2.
  { pattern: IMAGES_PATTERN, route: imagesRoute, model: () => 'dall-e-2' },
];

const API_ROUTES: Readonly<Record<string, Route>> = {
  '/chat/completions': handleChatCompletions,
  '/responses': handleResponses,
  '/embeddings': handleEmbeddings,
  '/messages': handleMessages,
  '/fim/completions': handleFimCompletions,
  '/responses/compact': handleCompact,
  '/audio/speech': handleSpeech,
  '/audio/transcriptions': audioTextRoute('transcribe'),
  '/audio/translations': audioTextRoute('translate'),
};

/** Route path without the `/v1` prefix (both `/v1/x` and `/x` are served) and without a query. */
function routePath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

async function handle(ctx: SimulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = routePath(req.url);
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/_burnrate/ledger') {
    sendJson(res, 200, ctx.ledger.snapshot());
    return;
  }
  if (method === 'DELETE' && path === '/_burnrate/ledger') {
    ctx.ledger.reset();
    sendJson(res, 200, { ok: true });
    return;
  }
  if (method === 'GET' && path === '/metrics' && ctx.vllm !== undefined) {
    const text = ctx.vllm.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
    return;
  }
  if (method === 'GET' && path === '/_burnrate/health') {
    sendJson(res, 200, { ok: true });
    return;
  }
  const requestId = ctx.nextId('req_');
  const endpoint = req.url?.split('?')[0] ?? '/';
  if (method === 'GET' && path === '/models') {
    sendJson(res, 200, { object: 'list', data: listModels() }, baseHeaders(requestId));
    return;
  }
  let route = method === 'POST' ? API_ROUTES[path] : undefined;
  let urlModel: string | undefined;
  if (route === undefined && (method === 'POST' || method === 'GET')) {
    for (const candidate of PATTERN_ROUTES) {
      if ((candidate.method ?? 'POST') !== method) continue;
      const match = endpoint.match(candidate.pattern);
      if (match === null) continue;
      route = candidate.route;
      urlModel = candidate.model?.(match);
      break;
    }
  }
  try {
    if (route === undefined) {
      throw new HttpError(
        404,
        `Unknown request URL: ${method} ${endpoint}.`,
        'invalid_request_error',
        null,
        'unknown_url',
      );
    }
    const scope = await beginRequest(ctx, req, res, endpoint, requestId, urlModel);
    if (scope !== undefined) {
      // vllm:num_requests_running counts the requests past the fault gate until their route ends.
      const finished = ctx.vllm?.start(scope.model);
      try {
        await route(ctx, scope);
      } finally {
        finished?.();
      }
    }
  } catch (err) {
    const error =
      err instanceof HttpError
        ? err
        : new HttpError(500, `burnrate-sim internal error: ${String(err)}`, 'server_error');
    if (!res.headersSent && !res.destroyed) {
      sendJson(res, error.status, errorBodyFor(endpoint, error, requestId), {
        ...baseHeaders(requestId),
        ...errorHeadersFor(endpoint, error.status, requestId),
      });
    }
    ctx.ledger.record({
      requestId,
      endpoint,
      model: null,
      stream: false,
      status: error.status,
      outcome: 'error',
      faults: [],
      usage: null,
      usageReported: false,
    });
  }
}

function formatUrl(host: string, port: number): string {
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${port}/v1`;
}

/**
 * Starts an OpenAI-compatible simulator on `host:port` (default 127.0.0.1 and a free port).
 * Every instance has its own ledger, prompt cache and fault generator.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  let counter = 0;
  const vllm = options.vllm === undefined ? undefined : new VllmMetrics(options.vllm);
  const ctx: SimulatorContext = {
    ledger: new Ledger(vllm === undefined ? undefined : (request) => vllm.record(request)),
    promptCache: new PromptCache(),
    anthropicCache: new AnthropicPromptCache(),
    faults: new FaultPlanner(options.faults),
    latency: {
      firstChunkMs: options.latency?.firstChunkMs ?? 0,
      chunkIntervalMs: options.latency?.chunkIntervalMs ?? 0,
    },
    signal: closing.signal,
    nextId: (prefix) => `${prefix}sim${(++counter).toString().padStart(6, '0')}`,
    background: new BackgroundResponses(),
    ...(vllm !== undefined ? { vllm } : {}),
  };
  // HTTP/1.1 and cleartext HTTP/2 on one port: the Bedrock runtime client speaks HTTP/2 by default.
  const server = createDualProtocolServer((req, res) => {
    void handle(ctx, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: formatUrl(host, port),
    anthropicUrl: formatUrl(host, port).slice(0, -'/v1'.length),
    port,
    host,
    ...(vllm !== undefined ? { metricsUrl: `${formatUrl(host, port).slice(0, -'/v1'.length)}/metrics` } : {}),
    ledger: () => ctx.ledger.snapshot(),
    resetLedger: () => ctx.ledger.reset(),
    resetPromptCache: () => {
      ctx.promptCache.clear();
      ctx.anthropicCache.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
