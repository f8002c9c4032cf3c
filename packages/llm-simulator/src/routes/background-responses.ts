/**
 * Background responses (`background: true`) and `GET /v1/responses/{id}`: the create call answers
 * `queued` without usage (the ledger counts its usage as served, not yet reported); the first
 * retrieve answers `in_progress`, every later one `completed` with the usage, which the ledger counts
 * as reported once, on the first completed retrieve. Deterministic, so tests can poll exactly.
 */
import { baseHeaders, type RequestScope, recordServed, type SimulatorContext } from '../context.js';
import { describeFaults } from '../faults.js';
import { HttpError, sendJson } from '../http.js';
import type { Usage } from '../ledger.js';

/** Background responses kept until retrieved; the oldest are dropped past this many. */
export const MAX_BACKGROUND_RESPONSES = 10_000;

interface Entry {
  model: string;
  /** The finished response (status `completed`, with usage). */
  completed: Record<string, unknown>;
  usage: Usage;
  retrieves: number;
}

/** The background responses of one simulator instance. */
export class BackgroundResponses {
  readonly #entries = new Map<string, Entry>();

  /** Stores a background response (its finished form) under its id. */
  add(id: string, model: string, completed: Record<string, unknown>, usage: Usage): void {
    this.#entries.set(id, { model, completed, usage, retrieves: 0 });
    if (this.#entries.size > MAX_BACKGROUND_RESPONSES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Stores a finished response created in the foreground (`store`): retrieves return it as it was. */
  addFinished(id: string, model: string, completed: Record<string, unknown>, usage: Usage): void {
    this.add(id, model, completed, usage);
    const entry = this.#entries.get(id);
    // Past the first two retrieves: completed, and its usage already reported by the create.
    if (entry) entry.retrieves = 2;
  }

  /** The response a retrieve returns now, and whether this is the first time it carries usage. */
  retrieve(
    id: string,
  ): { model: string; body: Record<string, unknown>; firstUsage: Usage | undefined } | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    entry.retrieves += 1;
    if (entry.retrieves === 1) {
      return {
        model: entry.model,
        body: { ...entry.completed, status: 'in_progress', output: [], usage: null },
        firstUsage: undefined,
      };
    }
    return {
      model: entry.model,
      body: entry.completed,
      firstUsage: entry.retrieves === 2 ? entry.usage : undefined,
    };
  }
}

/** Answers a background create: `queued`, no usage; the usage is served now and reported when retrieved. */
export function sendQueued(
  ctx: SimulatorContext,
  scope: RequestScope,
  id: string,
  completed: Record<string, unknown>,
  usage: Usage,
): void {
  ctx.background.add(id, scope.model, completed, usage);
  const queued = { ...completed, status: 'queued', output: [], usage: null };
  sendJson(scope.res, 200, queued, baseHeaders(scope.requestId));
  recordServed(ctx, scope, usage, 'ok', false);
}

/** The id in `/v1/responses/{id}`. */
export const RETRIEVE_PATTERN = /^(?:\/v1)?\/responses\/([A-Za-z0-9_-]+)$/;

/** `GET /v1/responses/{id}`. */
export async function handleRetrieveResponse(ctx: SimulatorContext, scope: RequestScope): Promise<void> {
  const id = RETRIEVE_PATTERN.exec(scope.endpoint)?.[1] ?? '';
  const found = ctx.background.retrieve(id);
  if (!found) {
    throw new HttpError(
      404,
      `No response found with id '${id}'.`,
      'invalid_request_error',
      null,
      'not_found',
    );
  }
  sendJson(scope.res, 200, found.body, baseHeaders(scope.requestId));
  if (found.firstUsage) ctx.ledger.reportLater(found.model, found.firstUsage);
  ctx.ledger.record({
    requestId: scope.requestId,
    endpoint: scope.endpoint,
    model: found.model,
    stream: false,
    status: 200,
    outcome: 'ok',
    faults: describeFaults(scope.faults),
    // Served on create; a retrieve serves no new tokens.
    usage: null,
    usageReported: found.firstUsage !== undefined,
  });
}
