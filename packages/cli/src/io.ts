/** Where the command writes and how it reaches the network; tests inject their own. */
export interface CliIo {
  /** Writes to standard output. */
  stdout: (text: string) => void;
  /** Writes to standard error. */
  stderr: (text: string) => void;
  /** The `fetch` used for Prometheus and `/metrics` requests. */
  fetch: typeof fetch;
  /** The clock, ms since epoch (report periods, query times). */
  now: () => number;
}

/** The process's own stdout, stderr, `fetch` and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => Date.now(),
  };
}
