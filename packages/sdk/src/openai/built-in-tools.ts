import type { ContainerUnits, UnitUsage } from '../record/unit-usage.js';
import type { CallEnd, CallStart } from '../wrap/call-observer.js';
import type { ChunkReader } from '../wrap/stream-observer.js';

/**
 * Responses API output items that are billed per call, by the tool type they are counted under.
 * `web_search_call` is refined to `web_search_preview` when the response's tools name that
 * (it has its own price); code interpreter calls are counted here and priced per container.
 */
const TOOL_OF_ITEM: Readonly<Record<string, string>> = {
  web_search_call: 'web_search',
  file_search_call: 'file_search',
  code_interpreter_call: 'code_interpreter',
  image_generation_call: 'image_generation',
};

/** Statuses of a background response that will not change any more (its usage is final). */
const TERMINAL = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

/**
 * How many background-response ids a client remembers as recorded, so `responses.retrieve` prices
 * each once; past it the oldest are forgotten (a response retrieved again after 10,000 newer ones
 * would be counted again). About 60 bytes an id.
 */
export const MAX_TRACKED_RESPONSES = 10_000;

/**
 * The background responses one instrumented client has recorded, and those it created that are
 * still queued with how their create call started (request model, caller attributes, start time),
 * so the retrieved response is recorded as that call. Both bounded (see {@link MAX_TRACKED_RESPONSES}).
 */
export class RecordedResponses {
  readonly #ids = new Set<string>();
  readonly #pending = new Map<string, CallStart>();
  readonly #limit: number;

  /** @param limit ids remembered. Default {@link MAX_TRACKED_RESPONSES}. */
  constructor(limit: number = MAX_TRACKED_RESPONSES) {
    this.#limit = limit;
  }

  /** Marks `id` recorded; false when it already was (record nothing then). */
  claim(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#ids.size;
  }

  /** Remembers how the create call of a queued background response started. */
  defer(id: string, start: CallStart): void {
    this.#pending.set(id, start);
    if (this.#pending.size > this.#limit) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
  }

  /** The start of the create call of a background response, once (then forgotten). */
  take(id: string): CallStart | undefined {
    const start = this.#pending.get(id);
    this.#pending.delete(id);
    return start;
  }
}

interface ResponseLike {
  id?: unknown;
  object?: unknown;
  status?: unknown;
  background?: unknown;
  usage?: unknown;
  output?: unknown;
  tools?: unknown;
}

/** The Response a Responses API result or stream event carries, if any. */
export function responseOf(item: unknown): ResponseLike | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const d = item as ResponseLike & { type?: unknown; response?: unknown };
  if (d.object === 'response') return d;
  if (typeof d.type === 'string' && d.response && typeof d.response === 'object')
    return d.response as ResponseLike;
  return undefined;
}

/**
 * The built-in tool calls of a response's output: calls by tool type, and the code-interpreter
 * containers they ran in (distinct `container_id`s of auto containers, with the memory limit the
 * response's tools asked for). Explicit containers (created with `containers.create`) are counted
 * as calls but not as containers: they were billed when they were created. Undefined when the
 * response used no built-in tool.
 */
export function builtInToolUnits(response: ResponseLike): UnitUsage | undefined {
  if (!Array.isArray(response.output)) return undefined;
  const tools = Array.isArray(response.tools) ? (response.tools as unknown[]) : [];
  const toolTypes = tools.map((t) =>
    t && typeof t === 'object' ? (t as { type?: unknown }).type : undefined,
  );
  const preview =
    toolTypes.some((t) => typeof t === 'string' && t.startsWith('web_search_preview')) &&
    !toolTypes.some(
      (t) => typeof t === 'string' && t.startsWith('web_search') && !t.startsWith('web_search_preview'),
    );
  const calls: Record<string, number> = {};
  const containers = new Set<string>();
  let any = false;
  for (const item of response.output as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const type = (item as { type?: unknown }).type;
    if (typeof type !== 'string') continue;
    let tool = TOOL_OF_ITEM[type];
    if (tool === undefined) continue;
    if (tool === 'web_search' && preview) tool = 'web_search_preview';
    calls[tool] = (calls[tool] ?? 0) + 1;
    any = true;
    const container = (item as { container_id?: unknown }).container_id;
    if (tool === 'code_interpreter' && typeof container === 'string') containers.add(container);
  }
  if (!any) return undefined;
  const units: UnitUsage = { toolCalls: calls };
  const auto = autoContainer(tools);
  if (containers.size > 0 && auto !== undefined) {
    const c: ContainerUnits = { count: containers.size };
    if (auto.memoryLimit !== undefined) c.memoryLimit = auto.memoryLimit;
    units.containers = [c];
  }
  return units;
}

/** The code-interpreter tool's auto container (`container: { type: 'auto', memory_limit? }`), if it has one. */
function autoContainer(tools: readonly unknown[]): { memoryLimit?: string } | undefined {
  for (const t of tools) {
    if (!t || typeof t !== 'object') continue;
    const tool = t as { type?: unknown; container?: unknown };
    if (tool.type !== 'code_interpreter') continue;
    const c = tool.container;
    if (!c || typeof c !== 'object') return undefined;
    const container = c as { type?: unknown; memory_limit?: unknown };
    if (container.type !== 'auto') return undefined;
    return typeof container.memory_limit === 'string' ? { memoryLimit: container.memory_limit } : {};
  }
  return undefined;
}

/**
 * Wraps the Responses API reader of `responses.create`: built-in tool calls of the response are
 * added to the call's units, and background responses are handled so each is recorded once — one
 * still queued or in progress (no usage yet) is deferred to `responses.retrieve`, and one recorded
 * here with its usage (a background stream) is claimed, so a later retrieve does not count it again.
 */
export function withResponseUnits(
  read: ChunkReader,
  recorded: RecordedResponses,
  start: CallStart,
): ChunkReader {
  return (item: unknown, end: CallEnd): void => {
    read(item, end);
    const response = responseOf(item);
    if (!response) return;
    const units = builtInToolUnits(response);
    if (units !== undefined) end.units = units;
    if (response.background !== true || typeof response.id !== 'string') return;
    if (response.object === 'response' && !end.usage && !TERMINAL.has(String(response.status))) {
      end.deferred = true;
      recorded.defer(response.id, start);
      return;
    }
    if (end.usage) recorded.claim(response.id);
  };
}

/** True when a retrieved response is a finished background response with usage: recorded at retrieve. */
export function isSettledBackground(response: ResponseLike): response is ResponseLike & { id: string } {
  return (
    response.background === true &&
    typeof response.id === 'string' &&
    TERMINAL.has(String(response.status)) &&
    response.usage !== null &&
    typeof response.usage === 'object'
  );
}
