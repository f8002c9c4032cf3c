import { describe, expect, it } from 'vitest';
import {
  aiSdkProviderName,
  langChainProviderName,
  normalizeAiSdkUsage,
  normalizeLangChainUsage,
} from '../../src/index.js';

// The usage objects below are the shapes the providers' packages report (read from their
// converters); the calls that produce them against a live server are in the other test files.
describe('normalizeAiSdkUsage', () => {
  it('takes v3/v4 totals as they are: input includes cache reads and writes, output includes reasoning', () => {
    // An Anthropic-style call: 20 uncached + 1000 read from the cache + 300 written to it.
    expect(
      normalizeAiSdkUsage({
        inputTokens: { total: 1320, noCache: 20, cacheRead: 1000, cacheWrite: 300 },
        outputTokens: { total: 90, text: 40, reasoning: 50 },
      }),
    ).toEqual({ input: 1320, cacheRead: 1000, cacheWrite: 300, output: 90, reasoning: 50 });
  });

  it('keeps Anthropic’s 1-hour cache writes from the raw usage, within the cache writes', () => {
    expect(
      normalizeAiSdkUsage({
        inputTokens: { total: 1320, noCache: 20, cacheRead: 1000, cacheWrite: 300 },
        outputTokens: { total: 9, text: 9, reasoning: undefined },
        raw: {
          input_tokens: 20,
          cache_read_input_tokens: 1000,
          cache_creation_input_tokens: 300,
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
          output_tokens: 9,
        },
      }),
    ).toEqual({ input: 1320, cacheRead: 1000, cacheWrite: 300, cacheWrite1h: 200, output: 9, reasoning: 0 });
  });

  it('sums the parts when a provider leaves a total out or reports a total without its cache', () => {
    expect(
      normalizeAiSdkUsage({
        inputTokens: { total: undefined, noCache: 7, cacheRead: 3, cacheWrite: undefined },
        outputTokens: { total: undefined, text: 4, reasoning: 6 },
      }),
    ).toEqual({ input: 10, cacheRead: 3, cacheWrite: 0, output: 10, reasoning: 6 });
    expect(
      normalizeAiSdkUsage({
        inputTokens: { total: 20, noCache: 20, cacheRead: 1000, cacheWrite: 300 },
        outputTokens: { total: 5, text: 5, reasoning: 0 },
      }),
    ).toEqual({ input: 1320, cacheRead: 1000, cacheWrite: 300, output: 5, reasoning: 0 });
  });

  it('reads the flat ai 5 shape and embedding usage, and says undefined when there is none', () => {
    expect(
      normalizeAiSdkUsage({ inputTokens: 50, cachedInputTokens: 30, outputTokens: 12, reasoningTokens: 8 }),
    ).toEqual({ input: 50, cacheRead: 30, cacheWrite: 0, output: 12, reasoning: 8 });
    expect(normalizeAiSdkUsage({ tokens: 9 })).toEqual({
      input: 9,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0,
      reasoning: 0,
    });
    expect(normalizeAiSdkUsage(undefined)).toBeUndefined();
    expect(normalizeAiSdkUsage({ inputTokens: {}, outputTokens: {} })).toBeUndefined();
  });

  it('never lets a part exceed its whole', () => {
    expect(
      normalizeAiSdkUsage({
        inputTokens: { total: 10, noCache: undefined, cacheRead: 50, cacheWrite: 5 },
        outputTokens: { total: 3, text: undefined, reasoning: 9 },
      }),
    ).toEqual({ input: 10, cacheRead: 10, cacheWrite: 0, output: 3, reasoning: 3 });
  });
});

describe('normalizeLangChainUsage', () => {
  it('takes input_tokens as including cache reads and creation, output_tokens as including reasoning', () => {
    expect(
      normalizeLangChainUsage({
        input_tokens: 1320,
        output_tokens: 90,
        total_tokens: 1410,
        input_token_details: { cache_read: 1000, cache_creation: 300 },
        output_token_details: { reasoning: 50 },
      }),
    ).toEqual({ input: 1320, cacheRead: 1000, cacheWrite: 300, output: 90, reasoning: 50 });
  });

  it('adds the cache back when an integration’s input_tokens plainly left it out', () => {
    expect(
      normalizeLangChainUsage({
        input_tokens: 20,
        output_tokens: 5,
        input_token_details: { cache_read: 1000, cache_creation: 300 },
      }),
    ).toEqual({ input: 1320, cacheRead: 1000, cacheWrite: 300, output: 5, reasoning: 0 });
    expect(normalizeLangChainUsage({})).toBeUndefined();
  });
});

describe('provider names', () => {
  it('maps AI SDK provider ids to gen_ai.provider.name values the cost processor prices', () => {
    expect(
      [
        'openai.chat',
        'openai.responses',
        'azure.responses',
        'anthropic.messages',
        'google.generative-ai',
        'google.vertex.chat',
        'amazon-bedrock',
        'mistral.chat',
        'xai.chat',
        'my-gateway.chat',
        '',
      ].map(aiSdkProviderName),
    ).toEqual([
      'openai',
      'openai',
      'azure.ai.openai',
      'anthropic',
      'gcp.gemini',
      'gcp.vertex_ai',
      'aws.bedrock',
      'mistral_ai',
      'x_ai',
      'my-gateway',
      'unknown',
    ]);
  });

  it('maps LangChain ls_provider values the same way', () => {
    expect(
      [
        'openai',
        'anthropic',
        'google_genai',
        'google_vertexai',
        'amazon_bedrock',
        'mistral',
        'ollama',
        undefined,
      ].map(langChainProviderName),
    ).toEqual([
      'openai',
      'anthropic',
      'gcp.gemini',
      'gcp.vertex_ai',
      'aws.bedrock',
      'mistral_ai',
      'ollama',
      'unknown',
    ]);
  });
});
