import { LineCounter, parseDocument } from 'yaml';
import type { ParsedText } from './card-text.js';
import { CARD_LIMITS } from './limits.js';
import { positionAt, where } from './source-position.js';
import { resolveYamlNodes } from './yaml-nodes.js';
import { yamlSyntaxIssues } from './yaml-syntax.js';

/**
 * Parses YAML card text (JSON is YAML too) into a plain value with the `yaml` package, in time
 * linear in the text. (A hand-written reader for the plain subset was faster still; a YAML parser
 * is what a well-kept library is for, and this one is within the bound once `uniqueKeys` is off.)
 *
 * `uniqueKeys` is off because the `yaml` package checks it by comparing each key with every
 * earlier key of its map: quadratic, 28.7 s for 40,000 models against 0.26 s for the same card
 * as JSON. {@link resolveYamlNodes} checks duplicate keys and aliases instead, with the line.
 * There are no `prettyErrors`: positions come from the line counter, and the package's context
 * snippets would only be cut away again.
 */
export function parseYamlCard(text: string): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const { lineStarts } = lineCounter;
  if (doc.errors.length > 0)
    return { value: undefined, issues: yamlSyntaxIssues(text, lineStarts, doc.errors) };
  const locate = (offset: number): string => where(positionAt(text, lineStarts, offset));
  const issues = resolveYamlNodes(doc, locate);
  if (issues.length > 0) return { value: undefined, issues };
  try {
    // No alias is left for toJS to resolve; the bound stays as a second guard.
    return { value: doc.toJS({ maxAliasCount: CARD_LIMITS.aliases }) as unknown, issues: [] };
  } catch (error) {
    return {
      value: undefined,
      issues: [
        {
          path: '',
          expected: 'expected YAML that converts to plain values',
          got: error instanceof Error ? error.message : String(error),
          fix: 'write plain maps, lists, strings and numbers (no custom tags)',
        },
      ],
    };
  }
}
