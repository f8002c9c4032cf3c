import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('API docs', () => {
  it('typedoc finds a TSDoc comment on every export of every package and no broken links', async () => {
    // typedoc.json turns "not documented" and invalid links into errors; --emit none checks without writing.
    const { stdout, stderr } = await run('npx', ['typedoc', '--emit', 'none'], {
      cwd: new URL('..', import.meta.url),
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const warnings = `${stdout}${stderr}`.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
    expect(warnings).toEqual([]);
  }, 60_000);
});
