/**
 * An express 5 service with burnrate: `POST /ask` answers with an instrumented openai client,
 * attributing each call to the tenant, user and feature from the request headers; `GET /metrics`
 * serves the usage and dollar metrics for Prometheus on the app's own port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { withAttributes } from '@burnrate/sdk';
import express, { type Request, type Response } from 'express';
import OpenAI from 'openai';

/** A running service. */
export interface AskServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The local simulator answering LLM calls, when no OPENAI_* variable points elsewhere. */
  simulator: Simulator | undefined;
  /** Stops the HTTP server, flushes and shuts burnrate down, stops the simulator. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Model for `/ask`. Default `gpt-4o-mini`. */
  model?: string;
}

/**
 * Starts the service on `port` (0: a free port). LLM calls go to the local simulator unless
 * OPENAI_API_KEY / OPENAI_BASE_URL are set.
 */
export async function startServer(port: number, options: StartOptions = {}): Promise<AskServer> {
  const model = options.model ?? 'gpt-4o-mini';
  const real = Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']);
  const sim = real ? undefined : await startSimulator();
  const client = new OpenAI(sim ? { baseURL: sim.url, apiKey: 'sk-simulator' } : {});

  // No server of burnrate's own: the app mounts the scrape handler on its port below.
  const burnrate = await setupBurnrate({
    prometheus: { serve: false },
    serviceName: 'ask-service',
    attributes: { service: 'ask-service' },
    priceCard: { providers: sim ? { [new URL(sim.url).hostname]: 'openai' } : {} },
  });
  const openai = burnrate.instrumentOpenAI(client);

  const app = express();
  app.use(express.json({ limit: '64kb' }));

  app.post('/ask', async (req: Request, res: Response) => {
    const question: unknown = req.body?.question;
    if (typeof question !== 'string' || question.trim() === '') {
      res.status(400).json({ error: 'body must be JSON with a non-empty "question" string' });
      return;
    }
    // The guard keeps these label values bounded (100 per attribute by default; the rest become "other").
    const attributes = {
      tenant: req.get('x-tenant') ?? 'anonymous',
      user: req.get('x-user'),
      feature: req.get('x-feature') ?? 'ask',
    };
    try {
      const completion = await withAttributes(attributes, () =>
        openai.chat.completions.create({
          model,
          messages: [
            { role: 'system', content: 'You answer customer questions briefly.' },
            { role: 'user', content: question },
          ],
          max_tokens: 64,
        }),
      );
      res.json({
        answer: completion.choices[0]?.message.content ?? '',
        model: completion.model,
        usage: { input: completion.usage?.prompt_tokens, output: completion.usage?.completion_tokens },
      });
    } catch (error) {
      // burnrate has recorded the failed call with its error.type; the client gets a 502.
      res.status(502).json({ error: `upstream LLM call failed: ${(error as Error).message}` });
    }
  });

  const metricsHandler = burnrate.metricsHandler;
  if (metricsHandler) app.get('/metrics', (req: Request, res: Response) => metricsHandler(req, res));

  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ ok: true });
  });

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    simulator: sim,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await burnrate.shutdown();
      await sim?.close();
    },
  };
}
