import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: examples are run from there, as the smoke tests' child processes. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished example run left behind. */
export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The JSON of the last `summary: {...}` line of stdout, if any. */
  summary: Record<string, unknown> | undefined;
}

/** The environment of an example run: ours without OPENAI_* and ANTHROPIC_*, so it always uses the local simulator. */
export function exampleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OPENAI_') && !k.startsWith('ANTHROPIC_')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Runs `node --import tsx examples/<name>/main.ts [args]` from the repository root and waits for it to
 * exit; kills it and rejects after `deadlineMs`.
 */
export function runExample(
  name: string,
  args: readonly string[] = [],
  options: { deadlineMs?: number; env?: Record<string, string> } = {},
): Promise<ExampleRun> {
  const deadlineMs = options.deadlineMs ?? 25_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}/main.ts`, ...args], {
      cwd: REPO_ROOT,
      env: exampleEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${name} did not exit within ${deadlineMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`),
      );
    }, deadlineMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, summary: parseSummary(stdout) });
    });
  });
}

/** The JSON object of the last `summary: ` line. */
export function parseSummary(stdout: string): Record<string, unknown> | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('summary: '));
  return line ? (JSON.parse(line.slice('summary: '.length)) as Record<string, unknown>) : undefined;
}

/** One sample of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of a Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}
