import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePlainYaml } from '../src/price-card/plain-yaml.js';

const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** What the `yaml` package reads, as the loader used it before the fast path (unique keys off). */
const packageValue = (text: string): unknown => parse(text, { uniqueKeys: false });

/** Cards and fragments the fast path must read exactly as the package does. */
const SAME_AS_PACKAGE: readonly string[] = [
  read('examples/budgets/price-card.yaml'),
  read('examples/demo/price-card.yaml'),
  read('docker/prometheus/price-card.example.yaml'),
  /```yaml\n([\s\S]*?)```/.exec(read('docs/price-card.md'))?.[1] ?? '',
  '---\nmodels:\n  gpt-4o: { input: 2.5, output: 10 }\n',
  'models:\r\n  "ft:gpt-4o:acme": { input: 1, output: 2 }\r\n',
  "aliases:\n  'it''s': gpt-4o\n  \"a: b\": gpt-4o-mini\n  ft:x:y: gpt-4o # a comment\n",
  'providers: { 127.0.0.1: openai, "llm-gateway.internal": azure, api.x.ai:443: x-ai }\n',
  'budgets:\n- name: a\n  amount: 10\n  window: 30d\n  thresholds: [0.5, .8, 1.]\n  scope: { feature: search }\n-   name: b\n    amount: 1e3\n    window: 7d\n',
  'budgets:\n  -\n    name: a\n    amount: +5\n  - { name: b, amount: 0x10, window: 1d }\n',
  'storage: { default: 0.10, cold: 1_000, hot: 0o17, warm: 017, odd: -0, e: 2E-3 }\n',
  'a: ~\nb: null\nc:\nd: Null\ne: NULL\nf: true\ng: False\nh: yes\ni: .inf\nj: -.Inf\nk: .NaN\nl: "1"\nm: \'true\'\n',
  'text: http://example.com/a#b, c; d\nother: a,b [c] {d}\nhash: a#b\nspaces:    x   y   # comment\n',
  'nested:\n  deeper:\n    deepest: { a: [1, [2, { b: c }]], e: {} }\n    empty: []\n  after: 1\n',
  'models:\n  gpt-4o:\n    input: 2.5\n\n    # a comment between keys\n  # a comment outdented\n    output: 10\n',
  'm: nbsp\u00a0inside and é and — dash\n',
  '  indented:\n    whole: document\n',
  'key: "  spaced  "\n',
];

/** Text outside the subset, for the package: the fast path must not read it. */
const FOR_THE_PACKAGE: readonly string[] = [
  'a: &x 1\nb: *x\n',
  'x:\n  - - 1\n',
  'a: !!str 1\n',
  'a: |\n  text\n',
  'a: >\n  text\n',
  'a: plain\n  continued\n',
  'a: "multi\n  line"\n',
  'a: "esc\\n"\n',
  'a:\tb\n',
  'a: 1\na: 2\n',
  'a: { b: 1, b: 2 }\n',
  '1: one\n',
  'null: x\n',
  '? complex\n: value\n',
  'a: b: c\n',
  'a: [1, 2,]\n',
  'a: { b }\n',
  'a: { b: }\n',
  'a: [b: 1]\n',
  'a: { b: 1 c: 2 }\n',
  'a: {\n  b: 1 }\n',
  'a: 1\n---\nb: 2\n',
  '%YAML 1.2\n---\na: 1\n',
  'a:\n  b: 1\n c: 2\n',
  'a: 1\n- b\n',
  'a: - b\n',
  'a: @b\n',
  'a: `b`\n',
  '__proto__: x\n',
  'just a scalar\n',
  '',
  `${'k'.repeat(1025)}: 1\n`,
  'a: "x" y\n',
  'a: {b: 1}c\n',
  'a: b\u2028c\n',
  'a: \u{1F600}\n',
];

describe('the fast path for plain YAML cards reads what the yaml package reads, or leaves the card to it', () => {
  it.each(SAME_AS_PACKAGE.map((text, i) => [i, text]))(
    'reads card %i exactly as the yaml package does',
    (_, text) => {
      const fast = parsePlainYaml(text as string);
      expect(fast).toBeDefined();
      expect(fast?.value).toEqual(packageValue(text as string));
    },
  );

  it.each(FOR_THE_PACKAGE.map((text) => [JSON.stringify(text).slice(0, 60), text]))(
    'leaves %s to the yaml package',
    (_, text) => {
      expect(parsePlainYaml(text as string)).toBeUndefined();
    },
  );

  it('reads a 20,000-model card itself, so YAML costs about what JSON does', () => {
    const text = `models:\n${Array.from({ length: 20_000 }, (_, i) => `  m${i}:\n    input: ${i / 100}\n    output: 2\n`).join('')}`;
    const fast = parsePlainYaml(text);
    expect(fast?.value).toEqual(packageValue(text));
  });
});
