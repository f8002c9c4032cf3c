import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('burnrate price', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['price', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: burnrate price [options] <model>');
    for (const flag of [
      '--input',
      '--output',
      '--cached',
      '--cache-write',
      '--reasoning',
      '--provider',
      '--tier',
      '--card',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain('Exit codes: 0 priced, 1 unpriced model or invalid card, 2 usage error.');
  });

  it('prices 1M input + 1M output tokens of gpt-4o at $12.50 from the catalog', async () => {
    const r = await runCli(['price', 'gpt-4o', '--input', '1000000', '--output', '1000000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'gpt-4o: $12.50\n' +
        '  source: catalog, matched gpt-4o (provider openai)\n' +
        '  tier: standard\n' +
        '  tokens: input 1000000 (cache read 0, cache write 0), output 1000000 (reasoning 0)\n',
    );
  });

  it('prices gpt-4o-mini with 400k of 500k input tokens cached at $0.105 and shows the prompt-cache saving', async () => {
    const r = await runCli([
      'price',
      'gpt-4o-mini',
      '--input',
      '500000',
      '--cached',
      '400000',
      '--output',
      '100000',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gpt-4o-mini: $0.105\n');
    // 400k cached tokens at $0.075 instead of $0.15 per 1M.
    expect(r.stdout).toContain('saved by prompt cache: $0.03\n');
  });

  it('prices o3 reasoning tokens once, as part of the output: $0.042', async () => {
    const r = await runCli([
      'price',
      'o3',
      '--input',
      '1000',
      '--output',
      '5000',
      '--reasoning',
      '4000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.kind).toBe('priced');
    expect(out.result.usd).toBeCloseTo(0.042, 12);
    expect(out.result.source).toBe('catalog');
    expect(out.result.matchedModel).toBe('o3');
    expect(out.tokens).toEqual({ input: 1000, cacheRead: 0, cacheWrite: 0, output: 5000, reasoning: 4000 });
  });

  it('prices the batch tier through the shipped multiplier: half of $12.50', async () => {
    const r = await runCli([
      'price',
      'gpt-4o',
      '--input',
      '1000000',
      '--output',
      '1000000',
      '--tier',
      'batch',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'gpt-4o: $6.25\n  source: multiplier, matched gpt-4o (provider openai)\n  rules: openai-batch\n',
    );
    expect(r.stdout).toContain('saved by the batch tier: $6.25');
  });

  it('takes the provider from a provider/model name and prices Anthropic cache writes', async () => {
    // 5,000 uncached × $3 + 15,000 cache writes × $3.75 + 800 output × $15, per 1M.
    const r = await runCli([
      'price',
      'anthropic/claude-sonnet-4-5',
      '--input',
      '20000',
      '--cache-write',
      '15000',
      '--output',
      '800',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('anthropic/claude-sonnet-4-5: $0.08325\n');
    expect(r.stdout).toContain('matched claude-sonnet-4-5 (provider anthropic)');
  });

  it('uses an explicit price from --card before the catalog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-price-'));
    const card = join(dir, 'card.yaml');
    writeFileSync(card, 'models:\n  acme-llm: { input: 1, output: 2 }\n');
    const r = await runCli(['price', 'acme-llm', '--input', '1000000', '--output', '500000', '--card', card]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('acme-llm: $2.00\n  source: explicit, matched acme-llm');
  });

  it('refuses an unknown model as unpriced with exit 1, never $0', async () => {
    const r = await runCli(['price', 'gpt-9-turbo', '--input', '1000', '--output', '1000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: gpt-9-turbo \(provider openai\) is unpriced \(unknown_model\): /);
    expect(r.stderr).toContain('add it under `models:`');
    expect(r.stderr).not.toContain('$0');
  });

  it('rejects a token count that is not a whole number with exit 2, naming the flag and the value', async () => {
    const r = await runCli(['price', 'gpt-4o', '--input', 'abc', '--output', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --input: expected a whole number ≥ 0, got "abc"\n(add --help for usage)\n');
  });

  it('rejects more cached tokens than input tokens with exit 2', async () => {
    const r = await runCli(['price', 'gpt-4o', '--input', '10', '--cached', '20', '--output', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: --cached + --cache-write: expected at most --input (10) tokens, got 20; --input counts every input token, cached ones included',
    );
  });

  it('rejects an unknown service tier with exit 2, listing the tiers', async () => {
    const r = await runCli(['price', 'gpt-4o', '--input', '1', '--output', '1', '--tier', 'turbo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: --tier: expected one of standard, default, batch, flex, priority, got "turbo"',
    );
  });

  it('requires --input and --output (exit 2)', async () => {
    const r = await runCli(['price', 'gpt-4o', '--output', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: required option '--input <tokens>' not specified, e.g. burnrate price gpt-4o --input 1000000 --output 1000000\n(add --help for usage)\n",
    );
    const noOutput = await runCli(['price', 'gpt-4o', '--input', '1']);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain("error: required option '--output <tokens>' not specified, e.g. ");
  });

  it('says the model argument is missing, with an example, when run without arguments (exit 2)', async () => {
    const missing =
      'error: price: the <model> argument is missing: name the model to price, e.g. burnrate price gpt-4o --input 1000000 --output 1000000\n(add --help for usage)\n';
    const bare = await runCli(['price']);
    expect(bare).toEqual({ code: 2, stdout: '', stderr: missing });
    // The model is named before the options it would need.
    const optionsOnly = await runCli(['price', '--input', '1000']);
    expect(optionsOnly).toEqual({ code: 2, stdout: '', stderr: missing });
    const empty = await runCli(['price', '', '--input', '1', '--output', '1']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      'error: price: the <model> argument is empty: name the model to price, e.g. ',
    );
  });

  it('accepts --tier standard and --tier default, the default the help names: $12.50 without a tier multiplier', async () => {
    const plain = await runCli(['price', 'gpt-4o', '--input', '1000000', '--output', '1000000']);
    for (const tier of ['standard', 'default', 'STANDARD']) {
      const r = await runCli([
        'price',
        'gpt-4o',
        '--input',
        '1000000',
        '--output',
        '1000000',
        '--tier',
        tier,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(plain.stdout);
      expect(r.stdout).toContain(
        'gpt-4o: $12.50\n  source: catalog, matched gpt-4o (provider openai)\n  tier: standard\n',
      );
    }
    const json = await runCli([
      'price',
      'gpt-4o',
      '--input',
      '1000000',
      '--output',
      '1000000',
      '--tier',
      'standard',
      '--json',
    ]);
    const out = JSON.parse(json.stdout);
    expect(out.serviceTier).toBeUndefined();
    expect(out.result).toMatchObject({
      usd: 12.5,
      source: 'catalog',
      appliedRules: [],
      serviceTierSavingsUsd: 0,
    });
    const help = await runCli(['price', '--help']);
    expect(help.stdout).toContain('(default: standard)');
  });

  it('says when a call above the long-context threshold got the long-context price: gemini-2.5-pro, 300000 input tokens, $0.765', async () => {
    // 300,000 input × $2.50 + 1,000 output × $15 per 1M (above 200,000 input tokens; $1.25 and $10 below).
    const r = await runCli(['price', 'gemini-2.5-pro', '--input', '300000', '--output', '1000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'gemini-2.5-pro: $0.765\n' +
        '  source: catalog, matched gemini-2.5-pro (provider google)\n' +
        '  long-context price (input > 200000 tokens)\n' +
        '  tier: standard\n' +
        '  tokens: input 300000 (cache read 0, cache write 0), output 1000 (reasoning 0)\n',
    );
    const json = JSON.parse(
      (await runCli(['price', 'gemini-2.5-pro', '--input', '200001', '--output', '1000', '--json'])).stdout,
    );
    expect(json.longContext).toEqual({ thresholdTokens: 200000 });
    expect(json.result.usd).toBeCloseTo(0.5150025, 12);
  });

  it('says nothing about long context at or below the threshold: gemini-2.5-pro, 200000 input tokens, $0.26', async () => {
    const r = await runCli(['price', 'gemini-2.5-pro', '--input', '200000', '--output', '1000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'gemini-2.5-pro: $0.26\n' +
        '  source: catalog, matched gemini-2.5-pro (provider google)\n' +
        '  tier: standard\n' +
        '  tokens: input 200000 (cache read 0, cache write 0), output 1000 (reasoning 0)\n',
    );
    const json = JSON.parse(
      (await runCli(['price', 'gemini-2.5-pro', '--input', '200000', '--output', '1000', '--json'])).stdout,
    );
    expect(json.longContext).toBeUndefined();
    const flat = await runCli(['price', 'gpt-4o', '--input', '900000', '--output', '1', '--json']);
    expect(JSON.parse(flat.stdout).longContext).toBeUndefined();
  });

  it('says when the long_context tier of an explicit card price applied: 200000 input at $2 + 1000 output at $4 per 1M = $0.404', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-cli-price-'));
    const card = join(dir, 'card.yaml');
    writeFileSync(
      card,
      'models:\n  acme-llm: { input: 1, output: 2, long_context: { threshold: 128000, input: 2, output: 4 } }\n',
    );
    const above = await runCli([
      'price',
      'acme-llm',
      '--input',
      '200000',
      '--output',
      '1000',
      '--card',
      card,
    ]);
    expect(above.stderr).toBe('');
    expect(above.stdout).toBe(
      'acme-llm: $0.404\n' +
        '  source: explicit, matched acme-llm (provider openai)\n' +
        '  long-context price (input > 128000 tokens)\n' +
        '  tier: standard\n' +
        '  tokens: input 200000 (cache read 0, cache write 0), output 1000 (reasoning 0)\n',
    );
    const below = await runCli([
      'price',
      'acme-llm',
      '--input',
      '128000',
      '--output',
      '1000',
      '--card',
      card,
    ]);
    expect(below.stdout).toContain(
      'acme-llm: $0.13\n  source: explicit, matched acme-llm (provider openai)\n  tier: standard\n',
    );
  });
});
