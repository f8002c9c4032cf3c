import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  countAnthropicPromptTokens,
  countTextTokens,
  FAULT_HEADER,
  type Simulator,
  startSimulator,
  THINKING_SIGNATURE,
} from '../src/index.js';
import { longText } from './helpers.js';

let sim: Simulator;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimulator();
  client = new Anthropic({ baseURL: sim.anthropicUrl, apiKey: 'test', maxRetries: 0 });
});
beforeEach(() => {
  sim.resetLedger();
  sim.resetPromptCache();
});
afterAll(async () => {
  await sim.close();
});

const MODEL = 'claude-sonnet-4-0';
/** A system prompt well over 1024 tokens. */
const LONG = longText(150);
const LONG_TOKENS = countTextTokens(LONG);

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe('POST /v1/messages', () => {
  it('counts input as 3 per message, system and tools plus their text, plus 3 to prime the reply', async () => {
    const system = 'You answer questions about cloud bills.';
    const user = 'What does a token cost?';
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      system,
      messages: [{ role: 'user', content: user }],
    });
    const expected = 3 + countTextTokens(system) + 3 + countTextTokens(user) + 3;
    expect(message.usage.input_tokens).toBe(expected);
    expect(message.usage.cache_creation_input_tokens).toBe(0);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 0,
    });
    expect(countAnthropicPromptTokens({ system, messages: [{ role: 'user', content: user }] })).toBe(
      expected,
    );
  });

  it('returns a message whose text has exactly output_tokens tokens, under the dated model name', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Tell me about budgets.' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-sonnet-4-20250514');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.id).toMatch(/^msg_/);
    expect(countTextTokens(textOf(message))).toBe(message.usage.output_tokens);
    expect(message.usage.output_tokens).toBeGreaterThanOrEqual(16);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(64);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Tell me about budgets.' }],
    });
    expect(message.usage.output_tokens).toBe(5);
    expect(message.stop_reason).toBe('max_tokens');
    expect(countTextTokens(textOf(message))).toBe(5);
  });

  it('counts thinking tokens inside output_tokens and reports them as thinking_tokens', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 20,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Think first.' }],
    });
    expect(message.usage.output_tokens).toBe(20);
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 10 });
    expect(message.content[0]).toEqual({ type: 'thinking', thinking: '', signature: THINKING_SIGNATURE });
    expect(countTextTokens(textOf(message))).toBe(10);
  });

  it('rejects a request without max_tokens with an Anthropic-shaped 400', async () => {
    const error = await client.messages
      .create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).type).toBe('invalid_request_error');
  });

  it('answers a 429 fault with a rate_limit_error the client raises as RateLimitError, billing nothing', async () => {
    const error = await client.messages
      .create(
        { model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { [FAULT_HEADER]: '429' } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.type).toBe('rate_limit_error');
    expect(rateLimit.requestID).toMatch(/^req_/);
    expect(rateLimit.headers.get('retry-after')).toBe('1');
    const ledger = sim.ledger();
    expect(ledger.errors).toEqual({ '429': 1 });
    expect(ledger.served.totals.requests).toBe(0);
  });

  it('answers a 500 model-suffix fault with an api_error the client raises as InternalServerError', async () => {
    const error = await client.messages
      .create({ model: `${MODEL}:fault=500`, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.InternalServerError>).type).toBe('api_error');
  });
});

describe('Anthropic prompt caching', () => {
  const cachedSystem = (ttl?: '5m' | '1h'): Anthropic.TextBlockParam[] => [
    { type: 'text', text: LONG, cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } },
  ];

  it('writes the prefix up to a breakpoint on first sight and reads it on the next request', async () => {
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem(),
      messages: [{ role: 'user', content: 'First question.' }],
    });
    const prefix = 3 + LONG_TOKENS;
    expect(first.usage.cache_creation_input_tokens).toBe(prefix);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: prefix,
      ephemeral_1h_input_tokens: 0,
    });
    expect(first.usage.input_tokens).toBe(3 + countTextTokens('First question.') + 3);

    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem(),
      messages: [{ role: 'user', content: 'Second question, a bit longer.' }],
    });
    expect(second.usage.cache_read_input_tokens).toBe(prefix);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBe(3 + countTextTokens('Second question, a bit longer.') + 3);

    const ledger = sim.ledger();
    const tally = ledger.reported.models[MODEL];
    expect(tally?.cached_input).toBe(prefix);
    expect(tally?.cache_write).toBe(prefix);
    expect(tally?.input).toBe(first.usage.input_tokens + prefix + second.usage.input_tokens + prefix);
  });

  it('splits writes by TTL across two breakpoints and reads the longest cached one', async () => {
    const question = longText(10);
    const body = {
      model: MODEL,
      max_tokens: 50,
      system: cachedSystem('1h'),
      messages: [
        {
          role: 'user' as const,
          content: [{ type: 'text' as const, text: question, cache_control: { type: 'ephemeral' as const } }],
        },
      ],
    };
    const first = await client.messages.create(body);
    const systemPrefix = 3 + LONG_TOKENS;
    const questionPrefix = systemPrefix + 3 + countTextTokens(question);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_1h_input_tokens: systemPrefix,
      ephemeral_5m_input_tokens: questionPrefix - systemPrefix,
    });
    expect(first.usage.cache_creation_input_tokens).toBe(questionPrefix);
    expect(first.usage.input_tokens).toBe(3);

    const second = await client.messages.create(body);
    expect(second.usage.cache_read_input_tokens).toBe(questionPrefix);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('applies a top-level cache_control to the last block of the last message', async () => {
    const body = {
      model: MODEL,
      max_tokens: 50,
      cache_control: { type: 'ephemeral' as const },
      messages: [{ role: 'user' as const, content: LONG }],
    };
    const first = await client.messages.create(body);
    expect(first.usage.cache_creation_input_tokens).toBe(3 + LONG_TOKENS);
    const second = await client.messages.create(body);
    expect(second.usage.cache_read_input_tokens).toBe(3 + LONG_TOKENS);
    expect(second.usage.input_tokens).toBe(3);
  });

  it('caches nothing at a breakpoint under 1024 tokens, nor without a breakpoint', async () => {
    const short = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: [{ type: 'text', text: 'Short.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(short.usage.cache_creation_input_tokens).toBe(0);
    for (let i = 0; i < 2; i++) {
      const unmarked = await client.messages.create({
        model: MODEL,
        max_tokens: 50,
        system: LONG,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(unmarked.usage.cache_read_input_tokens).toBe(0);
      expect(unmarked.usage.cache_creation_input_tokens).toBe(0);
    }
  });

  it('keeps models apart', async () => {
    const ask = (model: string) =>
      client.messages.create({
        model,
        max_tokens: 50,
        system: cachedSystem(),
        messages: [{ role: 'user', content: 'q' }],
      });
    await ask(MODEL);
    const other = await ask('claude-3-5-haiku-latest');
    expect(other.usage.cache_read_input_tokens).toBe(0);
    expect(other.usage.cache_creation_input_tokens).toBe(3 + LONG_TOKENS);
  });

  it('rejects more than four breakpoints with a 400', async () => {
    const block = { type: 'text' as const, text: 'x', cache_control: { type: 'ephemeral' as const } };
    await expect(
      client.messages.create({
        model: MODEL,
        max_tokens: 50,
        system: [block, block, block],
        messages: [{ role: 'user', content: [block, block] }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});

describe('streaming /v1/messages', () => {
  it('sends message_start with the input usage and message_delta with the final output tokens', async () => {
    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      system: [{ type: 'text', text: LONG, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Stream it.' }],
      stream: true,
    });
    const types: string[] = [];
    let start: Anthropic.Usage | undefined;
    let delta: Anthropic.MessageDeltaUsage | undefined;
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'message_start') start = event.message.usage;
      if (event.type === 'message_delta') delta = event.usage;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const deltas = types.filter((t) => t === 'content_block_delta').length;
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array.from({ length: deltas }, () => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(start?.output_tokens).toBe(1);
    expect(start?.cache_creation_input_tokens).toBe(3 + LONG_TOKENS);
    expect(start?.input_tokens).toBe(3 + countTextTokens('Stream it.') + 3);
    expect(delta?.output_tokens).toBe(countTextTokens(text));
    expect(delta?.input_tokens).toBe(start?.input_tokens);
    expect(delta?.cache_creation_input_tokens).toBe(3 + LONG_TOKENS);
    expect(deltas).toBe(Math.ceil(countTextTokens(text) / 4));
    const ledger = sim.ledger();
    expect(ledger.reported.totals.output).toBe(delta?.output_tokens);
    expect(ledger.reported.totals.input).toBe(3 + LONG_TOKENS + 3 + countTextTokens('Stream it.') + 3);
    expect(ledger.requests[0]?.endpoint).toBe('/v1/messages');
  });

  it('gives the stream helper a final message with the same usage as a non-streaming call', async () => {
    const params = {
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Same.' }],
    };
    const plain = await client.messages.create(params);
    const final = await client.messages.stream(params).finalMessage();
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(plain.usage.input_tokens);
    expect(textOf(final)).toBe(textOf(plain));
  });

  it('cuts a stream off before message_delta: the iteration throws and no usage is reported', async () => {
    const stream = await client.messages.create(
      { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Cut me.' }], stream: true },
      { headers: { [FAULT_HEADER]: 'cutoff' } },
    );
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(seen).not.toContain('message_delta');
    const ledger = sim.ledger();
    expect(ledger.cutoffs).toBe(1);
    expect(ledger.reported.totals.requests).toBe(0);
    expect(ledger.served.totals.requests).toBe(1);
  });
});
