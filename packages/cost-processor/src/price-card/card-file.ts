import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { oversizeIssue } from './card-text.js';
import type { PriceCardIssue } from './errors.js';
import { CARD_LIMITS } from './limits.js';

/** A card file's text, or the issue that kept it from being read. */
export type CardFile = { text: string; issue?: undefined } | { text?: undefined; issue: PriceCardIssue };

/**
 * Reads a card file, refusing one over {@link CARD_LIMITS.bytes} before reading it (by its size,
 * or while reading for pipes and devices, which have none). A file that cannot be read is named by
 * its absolute path, with the working directory a relative path was resolved against.
 */
export function readCardFile(path: string): CardFile {
  const absolute = resolve(path);
  try {
    const stat = statSync(absolute);
    if (stat.isDirectory()) return { issue: directoryIssue(path, absolute) };
    if (stat.isFile() && stat.size > CARD_LIMITS.bytes) return { issue: oversizeIssue(stat.size) };
    const text = readAtMost(absolute, CARD_LIMITS.bytes);
    return text === undefined ? { issue: oversizeIssue(undefined) } : { text };
  } catch (error) {
    return { issue: unreadableIssue(path, absolute, error) };
  }
}

/** The file's text as UTF-8, or undefined when it holds more than `limit` bytes. */
function readAtMost(path: string, limit: number): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return undefined;
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function relativeTo(path: string): string {
  return isAbsolute(path) ? '' : `, resolved from the working directory ${process.cwd()}`;
}

function directoryIssue(path: string, absolute: string): PriceCardIssue {
  return {
    path: '',
    expected: 'expected a YAML or JSON file',
    got: `a directory, ${absolute}${relativeTo(path)}`,
    fix: `name the card file in it, e.g. ${resolve(absolute, 'price-card.yaml')}`,
  };
}

function unreadableIssue(path: string, absolute: string, error: unknown): PriceCardIssue {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const relative = relativeTo(path);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const directory = dirname(absolute);
    const missingDirectory = existsSync(directory)
      ? ''
      : `; the directory ${directory} does not exist either`;
    const tilde = path.startsWith('~') ? '; `~` is not expanded here: write the home directory out' : '';
    return {
      path: '',
      expected: 'expected a readable YAML or JSON file',
      got: `no file at ${absolute} (${code})${relative}${missingDirectory}`,
      fix: isAbsolute(path)
        ? `check the path${tilde}`
        : `check the path, or give it as an absolute path (a relative one is resolved from the working directory, not from the script or file that names it)${tilde}`,
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return {
    path: '',
    expected: 'expected a readable YAML or JSON file',
    got: `${reason}, reading ${absolute}${relative}`,
    fix: code === 'EACCES' ? 'make the file readable by this user (chmod a+r)' : 'check the path',
  };
}
