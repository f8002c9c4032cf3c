import { describe, expect, it } from 'vitest';
import {
  type InvokeStreamUsage,
  invokeStreamReader,
  normalizeInvocationMetrics,
  normalizeTokenCountHeaders,
} from '../../src/bedrock/normalize-usage.js';
import { normalizeBedrockUsage, normalizeInvokeBody, resolveBedrockModel } from '../../src/index.js';

describe('resolveBedrockModel', () => {
  it('keeps a plain model id as the model to price and its own base model', () => {
    expect(resolveBedrockModel('amazon.nova-lite-v1:0')).toEqual({
      requested: 'amazon.nova-lite-v1:0',
      pricingModel: 'amazon.nova-lite-v1:0',
      baseModel: 'amazon.nova-lite-v1:0',
      geography: undefined,
      region: undefined,
      kind: 'model',
    });
  });

  it('prices a cross-region inference profile id as itself and strips its geography for the base model', () => {
    for (const geo of ['us', 'eu', 'apac', 'global']) {
      const m = resolveBedrockModel(`${geo}.anthropic.claude-sonnet-4-20250514-v1:0`);
      expect([m.pricingModel, m.baseModel, m.geography, m.kind]).toEqual([
        `${geo}.anthropic.claude-sonnet-4-20250514-v1:0`,
        'anthropic.claude-sonnet-4-20250514-v1:0',
        geo,
        'inference-profile',
      ]);
    }
  });

  it('reads the model and the region out of foundation-model and inference-profile ARNs', () => {
    expect(
      resolveBedrockModel('arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-1-8b-instruct-v1:0'),
    ).toMatchObject({
      pricingModel: 'meta.llama3-1-8b-instruct-v1:0',
      baseModel: 'meta.llama3-1-8b-instruct-v1:0',
      region: 'us-west-2',
      kind: 'foundation-model',
    });
    expect(
      resolveBedrockModel(
        'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.amazon.nova-lite-v1:0',
      ),
    ).toMatchObject({
      pricingModel: 'eu.amazon.nova-lite-v1:0',
      baseModel: 'amazon.nova-lite-v1:0',
      geography: 'eu',
      region: 'eu-central-1',
      kind: 'inference-profile',
    });
  });

  it('names no model for ARNs whose model only the control plane knows (application profiles, provisioned throughput)', () => {
    for (const arn of [
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
      'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456',
    ]) {
      expect(resolveBedrockModel(arn)).toMatchObject({
        pricingModel: undefined,
        baseModel: undefined,
        kind: 'other-arn',
      });
    }
  });
});

describe('normalizing Bedrock usage', () => {
  it("adds Converse's cache reads and writes to inputTokens, once each", () => {
    expect(
      normalizeBedrockUsage({
        inputTokens: 100,
        outputTokens: 50,
        totalTokens: 3650,
        cacheReadInputTokens: 2000,
        cacheWriteInputTokens: 1500,
      }),
    ).toEqual({ input: 3600, cacheRead: 2000, cacheWrite: 1500, output: 50, reasoning: 0 });
  });

  it("reads Nova's Count-suffixed cache fields the same way", () => {
    expect(
      normalizeInvokeBody({
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          cacheReadInputTokenCount: 1200,
          cacheWriteInputTokenCount: 0,
        },
      }),
    ).toEqual({ input: 1210, cacheRead: 1200, cacheWrite: 0, output: 5, reasoning: 0 });
  });

  it('reads Anthropic, Llama and Titan InvokeModel bodies by their own fields', () => {
    expect(
      normalizeInvokeBody({
        usage: {
          input_tokens: 3,
          cache_read_input_tokens: 1100,
          cache_creation_input_tokens: 0,
          output_tokens: 9,
        },
      }),
    ).toEqual({ input: 1103, cacheRead: 1100, cacheWrite: 0, output: 9, reasoning: 0 });
    expect(
      normalizeInvokeBody({ generation: 'x', prompt_token_count: 12, generation_token_count: 30 }),
    ).toEqual({
      input: 12,
      cacheRead: 0,
      cacheWrite: 0,
      output: 30,
      reasoning: 0,
    });
    expect(
      normalizeInvokeBody({ inputTextTokenCount: 4, results: [{ tokenCount: 7 }, { tokenCount: 2 }] }),
    ).toEqual({ input: 4, cacheRead: 0, cacheWrite: 0, output: 9, reasoning: 0 });
    expect(normalizeInvokeBody({ completion: 'a body burnrate does not know' })).toBeUndefined();
  });

  it('falls back to the X-Amzn-Bedrock token-count headers and the invocation metrics, cache counts added to input', () => {
    expect(
      normalizeTokenCountHeaders({
        'x-amzn-bedrock-input-token-count': '20',
        'x-amzn-bedrock-output-token-count': '8',
        'x-amzn-bedrock-cache-read-input-token-count': '1024',
      }),
    ).toEqual({ input: 1044, cacheRead: 1024, cacheWrite: 0, output: 8, reasoning: 0 });
    expect(
      normalizeInvocationMetrics({
        inputTokenCount: 5,
        outputTokenCount: 6,
        cacheWriteInputTokenCount: 2000,
      }),
    ).toEqual({ input: 2005, cacheRead: 0, cacheWrite: 2000, output: 6, reasoning: 0 });
  });

  it('takes the final count of a Llama stream from its last chunk, not a sum of the cumulative counts', () => {
    const read = invokeStreamReader();
    const seen: InvokeStreamUsage = {};
    read({ generation: 'a', prompt_token_count: 11, generation_token_count: 4, stop_reason: null }, seen);
    read({ generation: 'b', prompt_token_count: null, generation_token_count: 8, stop_reason: null }, seen);
    expect(seen.usage).toBeUndefined();
    read({ generation: '', prompt_token_count: null, generation_token_count: 9, stop_reason: 'stop' }, seen);
    expect(seen.usage).toEqual({ input: 11, cacheRead: 0, cacheWrite: 0, output: 9, reasoning: 0 });
  });
});
