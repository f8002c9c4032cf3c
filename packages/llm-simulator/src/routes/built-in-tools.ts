/**
 * Built-in tool calls in `/v1/responses`: when the request's `tools` include web search, file
 * search or code interpreter, the response's output carries their call items before the message,
 * a fixed number per tool so tests can count exactly: web search 2 calls (`web_search_call`), file
 * search 1 (`file_search_call`), code interpreter 2 calls (`code_interpreter_call`) in one container
 * (a new `container_id` per response for `container: { type: 'auto' }`, the given id otherwise).
 */
import type { UnitCounts } from '../ledger.js';

/** Calls per tool type in one response. */
export const TOOL_CALLS_PER_RESPONSE: Readonly<Record<string, number>> = {
  web_search: 2,
  file_search: 1,
  code_interpreter: 2,
};

/** The tool type a request's tool is counted under; undefined for function and other tools. */
function toolKind(type: unknown): 'web_search' | 'file_search' | 'code_interpreter' | undefined {
  if (typeof type !== 'string') return undefined;
  if (type.startsWith('web_search')) return 'web_search';
  if (type === 'file_search') return 'file_search';
  if (type === 'code_interpreter') return 'code_interpreter';
  return undefined;
}

/** The output items the request's built-in tools produce, and the units the ledger counts for them. */
export function builtInToolItems(
  tools: unknown,
  nextId: (prefix: string) => string,
): { items: Record<string, unknown>[]; units: UnitCounts | undefined } {
  if (!Array.isArray(tools)) return { items: [], units: undefined };
  const items: Record<string, unknown>[] = [];
  const calls: Record<string, number> = {};
  let containers = 0;
  for (const tool of tools as unknown[]) {
    const t = (tool ?? {}) as Record<string, unknown>;
    const kind = toolKind(t['type']);
    if (kind === undefined || calls[kind] !== undefined) continue;
    const n = TOOL_CALLS_PER_RESPONSE[kind] ?? 0;
    calls[kind] = n;
    const container =
      kind === 'code_interpreter'
        ? typeof t['container'] === 'string'
          ? t['container']
          : nextId('cntr_')
        : undefined;
    if (kind === 'code_interpreter' && typeof t['container'] !== 'string') containers += 1;
    for (let i = 0; i < n; i++) items.push(toolItem(kind, nextId, container, i));
  }
  if (items.length === 0) return { items, units: undefined };
  const units: UnitCounts = { tool_calls: calls };
  if (containers > 0) units.containers = containers;
  return { items, units };
}

function toolItem(
  kind: 'web_search' | 'file_search' | 'code_interpreter',
  nextId: (prefix: string) => string,
  container: string | undefined,
  i: number,
): Record<string, unknown> {
  if (kind === 'web_search') {
    return {
      id: nextId('ws_'),
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query: `simulated search ${i + 1}` },
    };
  }
  if (kind === 'file_search') {
    return {
      id: nextId('fs_'),
      type: 'file_search_call',
      status: 'completed',
      queries: ['simulated file search'],
      results: null,
    };
  }
  return {
    id: nextId('ci_'),
    type: 'code_interpreter_call',
    status: 'completed',
    code: `print(${i + 1})`,
    container_id: container,
    outputs: null,
  };
}
