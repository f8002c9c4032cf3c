import { CliError } from '../errors.js';

/** One element of an instant vector: its labels and value. */
export interface VectorSample {
  labels: Record<string, string>;
  value: number;
}

interface ApiResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * A client for Prometheus' HTTP API (`/api/v1/query`), enough for instant queries. Works with
 * anything that speaks that API (Prometheus, Thanos, Mimir, VictoriaMetrics).
 */
export class PrometheusClient {
  readonly #base: string;
  readonly #fetch: typeof fetch;

  /**
   * @param baseUrl the server, e.g. `http://localhost:9090` (a path prefix such as `/prometheus` is kept).
   * @param fetchFn the `fetch` to use.
   */
  constructor(baseUrl: string, fetchFn: typeof fetch) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetchFn;
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#base;
  }

  /**
   * Runs an instant query.
   *
   * @param promql the expression.
   * @param timeSeconds evaluation time, seconds since epoch (default: the server's now).
   * @returns the vector (a scalar comes back as one sample without labels).
   * @throws CliError when the server cannot be reached or rejects the query, naming both.
   */
  async query(promql: string, timeSeconds?: number): Promise<VectorSample[]> {
    const params = new URLSearchParams({ query: promql });
    if (timeSeconds !== undefined) params.set('time', String(timeSeconds));
    const url = `${this.#base}/api/v1/query?${params.toString()}`;
    let response: Response;
    try {
      response = await this.#fetch(url, { headers: { accept: 'application/json' } });
    } catch (error) {
      throw new CliError(
        `--prometheus: could not reach ${this.#base} (${describe(error)}); check the URL and that Prometheus is running`,
      );
    }
    const text = await response.text();
    let body: ApiResponse;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      throw new CliError(
        `--prometheus: ${this.#base} answered HTTP ${response.status} with something other than Prometheus API JSON (${text.slice(0, 80).trim() || 'empty body'}); give the Prometheus server's base URL, e.g. http://localhost:9090`,
      );
    }
    if (body.status !== 'success') {
      throw new CliError(
        `Prometheus at ${this.#base} rejected the query ${promql}: ${body.errorType ?? `HTTP ${response.status}`}: ${body.error ?? 'no error message'}`,
      );
    }
    return toSamples(body.data);
  }
}

function toSamples(data: ApiResponse['data']): VectorSample[] {
  const result = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(result)) {
    return [{ labels: {}, value: Number(result[1]) }];
  }
  if (data?.resultType !== 'vector' || !Array.isArray(result)) {
    throw new CliError(`expected an instant vector from Prometheus, got ${data?.resultType ?? 'nothing'}`);
  }
  return result.map((r: { metric?: Record<string, string>; value?: [number, string] }) => ({
    labels: { ...(r.metric ?? {}) },
    value: Number(r.value?.[1]),
  }));
}

/** A short description of a fetch failure, with the cause's code when there is one. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${error.message}: ${cause.code}`;
  if (cause?.message) return `${error.message}: ${cause.message}`;
  return error.message;
}
