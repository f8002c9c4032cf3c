import { encodeChat as encodeChatCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens, encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { InputTokenCounter, openaiEncoding } from '../src/internal/budgets/input-tokens.js';

const CHAT = [
  { role: 'system' as const, content: 'You answer questions about our refund policy, briefly.' },
  { role: 'user' as const, content: 'Can I return a damaged blender after 40 days?' },
  { role: 'assistant' as const, content: 'Yes: damaged goods can be returned within 90 days.' },
  { role: 'user' as const, content: 'And without the receipt? <|endoftext|> counts as text.' },
];

describe('input token counts for budget estimates', () => {
  it('counts OpenAI chat exactly as the model encoding frames it (o200k for gpt-4o, cl100k for gpt-4)', () => {
    const counter = new InputTokenCounter();
    const o200k = counter.count('gpt-4o-mini', 'chat', { messages: CHAT });
    expect(o200k).toEqual({
      tokens: encodeChat(CHAT, 'gpt-4o', { disallowedSpecial: new Set() }).length,
      exact: true,
    });
    const cl100k = counter.count('gpt-4-turbo', 'chat', { messages: CHAT });
    expect(cl100k).toEqual({
      tokens: encodeChatCl100k(CHAT, 'gpt-4', { disallowedSpecial: new Set() }).length,
      exact: true,
    });
  });

  it('counts embeddings and completions inputs without message overhead, token-id inputs by length', () => {
    const counter = new InputTokenCounter();
    expect(
      counter.count('text-embedding-3-small', 'embeddings', { input: ['alpha beta', 'gamma'] }).tokens,
    ).toBe(3);
    expect(counter.count('text-embedding-3-small', 'embeddings', { input: [1, 2, 3, 4] }).tokens).toBe(4);
    expect(counter.count('gpt-3.5-turbo-instruct', 'text_completion', { prompt: 'Say hi' }).tokens).toBe(2);
  });

  it('approximates other models with o200k_base and says so, the same count for a repeated long prompt', () => {
    const counter = new InputTokenCounter();
    const system = 'Policy. '.repeat(100);
    const content = { system, messages: [{ role: 'user', content: 'hi' }] };
    const first = counter.count('claude-sonnet-4-0', 'chat', content);
    expect(first).toEqual({
      tokens: 3 + countTokens(system) + 3 + countTokens('user') + countTokens('hi') + 3,
      exact: false,
    });
    expect(counter.count('claude-sonnet-4-0', 'chat', content)).toEqual(first);
  });

  it('counts the texts of other request shapes (Gemini contents and systemInstruction), media at 85', () => {
    const counter = new InputTokenCounter();
    const contents = [
      {
        role: 'user',
        parts: [
          { text: 'Describe this picture.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo'.repeat(500) } },
        ],
      },
    ];
    const got = counter.count('gemini-2.5-flash', 'chat', { contents, systemInstruction: 'Be brief.' });
    expect(got).toEqual({
      tokens:
        3 +
        (3 + countTokens('user') + countTokens('Describe this picture.') + 85) +
        (3 + countTokens('Be brief.')),
      exact: false,
    });
    expect(
      counter.count('codestral-latest', 'text_completion', { prompt: 'def add(a, b):', suffix: 'return c' })
        .tokens,
    ).toBe(countTokens('def add(a, b):') + countTokens('return c'));
  });

  it('maps OpenAI model families to their encodings and leaves others to the approximation', () => {
    expect(
      ['gpt-4o', 'gpt-4.1-mini', 'gpt-5', 'o3-mini', 'o1', 'chatgpt-4o-latest', 'ft:gpt-4o-mini:acme::x'].map(
        openaiEncoding,
      ),
    ).toEqual(Array(7).fill('o200k_base'));
    expect(['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-small'].map(openaiEncoding)).toEqual(
      Array(4).fill('cl100k_base'),
    );
    expect(
      ['claude-sonnet-4-0', 'gemini-2.5-pro', 'llama-3.1-8b', 'mistral-large'].map(openaiEncoding),
    ).toEqual(Array(4).fill(undefined));
  });
});
