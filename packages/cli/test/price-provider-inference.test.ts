import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

/** Anthropic's published Claude Sonnet 4.5 prices, USD per 1M tokens (up to 200K input tokens). */
const SONNET_45 = { input: 3, output: 15 } as const;
/** Google's published Gemini 2.5 Flash prices, USD per 1M tokens (text input). */
const GEMINI_25_FLASH = { input: 0.3, output: 2.5 } as const;

describe('burnrate price without --provider', () => {
  it('finds the catalog provider of a Claude model instead of reporting it unpriced under openai', async () => {
    const r = await runCli([
      'price',
      'claude-sonnet-4-5',
      '--input',
      '100000',
      '--output',
      '10000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.provider).toBe('anthropic');
    const expected = (100_000 * SONNET_45.input + 10_000 * SONNET_45.output) / 1_000_000;
    expect(Math.round(out.result.usd * 1e6)).toBe(Math.round(expected * 1e6));
  });

  it('finds the catalog provider of a Gemini model', async () => {
    const r = await runCli([
      'price',
      'gemini-2.5-flash',
      '--input',
      '1000000',
      '--output',
      '1000000',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.providerId).toBe('google');
    expect(Math.round(out.result.usd * 1e6)).toBe(
      Math.round((GEMINI_25_FLASH.input + GEMINI_25_FLASH.output) * 1e6),
    );
  });

  it('still reports an unknown model as unpriced (exit 1), never $0', async () => {
    const r = await runCli(['price', 'acme-llm-7b', '--input', '1000', '--output', '1000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('acme-llm-7b (provider openai) is unpriced (unknown_model)');
  });

  it('tells a caller who named the wrong provider which provider the catalog has the model under', async () => {
    const r = await runCli([
      'price',
      'claude-sonnet-4-5',
      '--provider',
      'openai',
      '--input',
      '1',
      '--output',
      '1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'the catalog has it under provider anthropic: report the call with provider "anthropic" (or name it "anthropic/claude-sonnet-4-5")',
    );
  });
});
