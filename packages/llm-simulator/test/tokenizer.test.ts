import { describe, expect, it } from 'vitest';
import { generatePieces, planOutput } from '../src/generation.js';
import {
  countPromptTokens,
  countTextTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD,
  REPLY_PRIMING,
  responsesInputMessages,
} from '../src/index.js';

describe('token counting', () => {
  it('counts text with the o200k_base encoding', () => {
    expect(countTextTokens('hello world the quick')).toBe(4);
    expect(countTextTokens('')).toBe(0);
  });

  it('treats special-token strings in user text as plain text', () => {
    expect(countTextTokens('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('counts 3 tokens per message plus 3 to prime the reply', () => {
    expect(MESSAGE_OVERHEAD).toBe(3);
    expect(REPLY_PRIMING).toBe(3);
    expect(countPromptTokens([{ role: 'user', content: 'hello' }])).toBe(3 + 1 + 3);
    expect(
      countPromptTokens([
        { role: 'system', content: 'hello world the quick' },
        { role: 'user', content: 'hello' },
      ]),
    ).toBe(3 + 4 + 3 + 1 + 3);
  });

  it('counts a name as its tokens plus one', () => {
    expect(countPromptTokens([{ role: 'user', name: 'hello', content: 'hello' }])).toBe(3 + 1 + 1 + 1 + 3);
  });

  it('counts text parts by their text and image parts as 85 tokens each', () => {
    expect(
      countPromptTokens([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ]),
    ).toBe(3 + 1 + IMAGE_TOKENS + 3);
  });

  it('counts tools as one leading message holding their JSON', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    expect(countPromptTokens([{ role: 'user', content: 'hello' }], tools)).toBe(
      3 + countTextTokens(JSON.stringify(tools)) + 3 + 1 + 3,
    );
  });

  it('turns responses instructions and string input into a developer and a user message', () => {
    expect(responsesInputMessages('hello', 'be brief')).toEqual([
      { role: 'developer', content: 'be brief' },
      { role: 'user', content: 'hello' },
    ]);
  });
});

describe('generated output', () => {
  it('generates text whose token count is exactly the planned number of visible tokens', () => {
    for (let count = 1; count <= 200; count++) {
      const text = generatePieces(count, count * 7919).join('');
      expect(countTextTokens(text)).toBe(count);
    }
  });

  it('uses the explicit limit as the output length', () => {
    const plan = planOutput({ model: 'gpt-4o', promptTokens: [1, 2, 3], maxTokens: 37, reasoning: false });
    expect(plan.outputTokens).toBe(37);
    expect(plan.reasoningTokens).toBe(0);
    expect(plan.pieces).toHaveLength(37);
  });

  it('picks a seeded length between 16 and 64 tokens that depends only on model and prompt', () => {
    const lengths = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const a = planOutput({ model: 'gpt-4o', promptTokens: [i], maxTokens: undefined, reasoning: false });
      const b = planOutput({ model: 'gpt-4o', promptTokens: [i], maxTokens: undefined, reasoning: false });
      expect(b).toEqual(a);
      expect(a.outputTokens).toBeGreaterThanOrEqual(16);
      expect(a.outputTokens).toBeLessThanOrEqual(64);
      lengths.add(a.outputTokens);
    }
    expect(lengths.size).toBeGreaterThan(20);
  });

  it('makes half the output of a reasoning model, rounded down, reasoning tokens', () => {
    const plan = planOutput({ model: 'o3', promptTokens: [1], maxTokens: 41, reasoning: true });
    expect(plan.reasoningTokens).toBe(20);
    expect(plan.pieces).toHaveLength(21);
  });

  it('spends no reasoning tokens when reasoning effort is none', () => {
    const plan = planOutput({
      model: 'gpt-5',
      promptTokens: [1],
      maxTokens: 40,
      reasoning: true,
      reasoningEffort: 'none',
    });
    expect(plan.reasoningTokens).toBe(0);
    expect(plan.pieces).toHaveLength(40);
  });
});
