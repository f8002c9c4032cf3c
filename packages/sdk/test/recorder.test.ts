import { ATTR, METRIC } from '@burnrate/semconv';
import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CacheLookupOptions,
  createManualClock,
  createUsageRecorder,
  type LlmCall,
  type NetworkOptions,
  type StorageOptions,
  type UsageProcessor,
  type UsageRecord,
  withAttributes,
} from '../src/index.js';
import { points, privateMeter, sumWhere, throwingMeterProvider, total } from './helpers/metrics.js';

const call: LlmCall = {
  provider: 'openai',
  operation: 'chat',
  requestModel: 'gpt-4o-mini',
  responseModel: 'gpt-4o-mini-2024-07-18',
  usage: { input: 1200, cacheRead: 1024, cacheWrite: 0, output: 300, reasoning: 0 },
  usageSource: 'provider',
  durationS: 0.5,
  streaming: false,
};

describe('createUsageRecorder', () => {
  afterEach(() => vi.restoreAllMocks());

  it('records every token kind of an LLM call with the GenAI attributes', async () => {
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider, attributes: { service: 'api' } });
    recorder.recordLlm({
      ...call,
      usage: { input: 1200, cacheRead: 1024, cacheWrite: 64, output: 300, reasoning: 200 },
    });

    const input = await points(reader, METRIC.inputTokens);
    expect(input).toEqual([
      {
        value: 1200,
        attributes: {
          service: 'api',
          [ATTR.operationName]: 'chat',
          [ATTR.providerName]: 'openai',
          [ATTR.requestModel]: 'gpt-4o-mini',
          [ATTR.responseModel]: 'gpt-4o-mini-2024-07-18',
        },
      },
    ]);
    expect(await total(reader, METRIC.outputTokens)).toBe(300);
    expect(await total(reader, METRIC.cacheReadTokens)).toBe(1024);
    expect(await total(reader, METRIC.cacheWriteTokens)).toBe(64);
    expect(await total(reader, METRIC.reasoningTokens)).toBe(200);
    const duration = await points(reader, METRIC.inferenceDuration);
    expect(duration.map((p) => [p.count, p.value])).toEqual([[1, 0.5]]);
  });

  it('records the duration with error.type and no tokens for a failed call', async () => {
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider });
    recorder.recordLlm({
      ...call,
      usage: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
      usageSource: 'missing',
      errorType: 'RateLimitError',
    });
    expect(await points(reader, METRIC.inputTokens)).toEqual([]);
    const duration = await points(reader, METRIC.inferenceDuration);
    expect(duration[0]?.attributes[ATTR.errorType]).toBe('RateLimitError');
  });

  it('emits the legacy token usage histogram only when asked', async () => {
    const plain = privateMeter();
    createUsageRecorder({ meterProvider: plain.meterProvider }).recordLlm(call);
    expect(await points(plain.reader, METRIC.legacyTokenUsage)).toEqual([]);

    const legacy = privateMeter();
    createUsageRecorder({ meterProvider: legacy.meterProvider, legacyMetrics: true }).recordLlm(call);
    const pts = await points(legacy.reader, METRIC.legacyTokenUsage);
    expect(sumWhere(pts, { [ATTR.tokenType]: 'input' })).toBe(1200);
    expect(sumWhere(pts, { [ATTR.tokenType]: 'output' })).toBe(300);
  });

  it('hands every record to each processor, with the attributes of withAttributes', () => {
    const { meterProvider } = privateMeter();
    const seen: UsageRecord[] = [];
    const recorder = createUsageRecorder({ meterProvider, processors: [{ onUsage: (r) => seen.push(r) }] });
    withAttributes({ feature: 'search', tenant: 'acme' }, () =>
      recorder.recordLlm({ ...call, attributes: recorder.captureAttributes() }),
    );
    recorder.revenue.add(2.5, { tenant: 'acme' });
    expect(seen.map((r) => r.kind)).toEqual(['llm', 'revenue']);
    expect(seen[0]?.attributes).toEqual({ feature: 'search', tenant: 'acme' });
    expect(seen[1]).toMatchObject({ kind: 'revenue', usd: 2.5, attributes: { tenant: 'acme' } });
  });

  it('isolates a throwing processor from the caller and from the other processors', async () => {
    const { meterProvider, reader } = privateMeter();
    const errors = vi.spyOn(diag, 'error');
    const seen: string[] = [];
    const bad: UsageProcessor = {
      onUsage: () => {
        throw new Error('processor bug');
      },
      forceFlush: () => Promise.reject(new Error('flush bug')),
      shutdown: () => Promise.reject(new Error('shutdown bug')),
    };
    const recorder = createUsageRecorder({ meterProvider, processors: [bad] });
    recorder.addProcessor({ onUsage: (r) => seen.push(r.kind) });
    expect(() => recorder.recordLlm(call)).not.toThrow();
    await expect(recorder.forceFlush()).resolves.toBeUndefined();
    await expect(recorder.shutdown()).resolves.toBeUndefined();
    expect(seen).toEqual(['llm']);
    expect(await total(reader, METRIC.inputTokens)).toBe(1200);
    expect(errors).toHaveBeenCalled();
  });

  it('logs an async processor rejection instead of leaving it unhandled', async () => {
    const { meterProvider } = privateMeter();
    const errors = vi.spyOn(diag, 'error');
    let rejection: Promise<void> | undefined;
    const asyncBad = {
      onUsage: (_record: UsageRecord) => {
        rejection = Promise.reject(new Error('async processor bug'));
        return rejection;
      },
    };
    const warned: string[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      processors: [asyncBad],
      logger: { warn: (m) => warned.push(m) },
    });
    expect(() => recorder.recordLlm(call)).not.toThrow();
    // The recorder's handler was attached first, so it has run once this one settles.
    await rejection?.catch(() => undefined);
    expect(errors).toHaveBeenCalledWith(
      'burnrate: a UsageProcessor.onUsage (rejected) failed; the call is unaffected',
      new Error('async processor bug'),
    );
    expect(warned).toHaveLength(1);
  });

  it('warns once on the logger (stderr by default) when a processor throws, and counts every drop on /metrics', async () => {
    const { meterProvider, reader } = privateMeter();
    const warned: string[] = [];
    const bad = {
      onUsage: () => {
        throw new Error('processor bug');
      },
    };
    const recorder = createUsageRecorder({
      meterProvider,
      processors: [bad],
      logger: { warn: (m) => warned.push(m) },
    });
    for (let i = 0; i < 3; i++) recorder.recordLlm(call);
    expect(warned).toEqual([
      `burnrate: a UsageProcessor.onUsage failed (Error: processor bug); the call is unaffected, but what it would have recorded is lost. Further failures are counted in ${METRIC.telemetryDropped}{${ATTR.dropCause}="processor"}, not printed`,
    ]);
    const dropped = await points(reader, METRIC.telemetryDropped);
    expect(dropped.filter((p) => p.value > 0)).toEqual([
      { attributes: { [ATTR.dropCause]: 'processor' }, value: 3 },
    ]);
    expect(dropped.map((p) => p.attributes[ATTR.dropCause])).toEqual([
      'processor',
      'meter',
      'attribute_dropped',
      'value_folded',
      'value_redacted',
    ]);
  });

  it('warns once on the logger and counts on /metrics what the guard dropped, folded or redacted, and meter failures', async () => {
    const { meterProvider, reader } = privateMeter();
    const warned: string[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      cardinality: { maxValuesPerAttribute: 1 },
      logger: { warn: (m) => warned.push(m) },
    });
    for (const tenant of ['a', 'b', 'c'])
      recorder.revenue.add(1, { tenant, customer_id: 'x', user: 'ada@example.com' });
    const dropped = await points(reader, METRIC.telemetryDropped);
    const count = (cause: string) => dropped.find((p) => p.attributes[ATTR.dropCause] === cause)?.value;
    expect([count('attribute_dropped'), count('value_folded'), count('value_redacted')]).toEqual([3, 2, 3]);
    expect(warned).toEqual([
      'burnrate: attribute "customer_id" is not in cardinality.allow and was dropped',
      'burnrate: attribute "user" had a value that looks like an email address or a secret; it became "redacted" (cardinality.keepSensitiveValues: true keeps such values)',
      'burnrate: attribute "tenant" passed 1 values; new values become "other"',
    ]);
    const throwing = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      logger: { warn: (m) => warned.push(m) },
    });
    throwing.revenue.add(1);
    throwing.revenue.add(1);
    expect(warned.filter((m) => m.includes('recording a usage metric'))).toHaveLength(1);
  });

  it('keeps recording silent when the meter itself throws', () => {
    const seen: string[] = [];
    const recorder = createUsageRecorder({
      meterProvider: throwingMeterProvider(),
      processors: [{ onUsage: (r) => seen.push(r.kind) }],
    });
    expect(() => recorder.recordLlm(call)).not.toThrow();
    expect(() => recorder.storage.set(10)).not.toThrow();
    expect(seen).toEqual(['llm', 'storage']);
  });

  it('caps free-text workload, storage class and network scope values like caller attributes, in metrics and in records', async () => {
    const { meterProvider, reader } = privateMeter();
    const records: UsageRecord[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      cardinality: { maxValuesPerAttribute: 1 },
      gpuAccrualIntervalMs: 0,
      processors: [{ onUsage: (r) => records.push(r) }],
    });
    recorder.gpu.start({ gpu: 'h100', workload: 'job-1' })();
    recorder.gpu.start({ gpu: 'h100', workload: 'job-2' })();
    recorder.storage.set(10, { storageClass: 'ssd' });
    recorder.storage.set(20, { storageClass: 'bucket-of-user-42' });
    recorder.network.add(30, { scope: 'internet' });
    recorder.network.add(40, { scope: 'x'.repeat(500) });

    expect(
      records.map((r) =>
        r.kind === 'gpu'
          ? r.workload
          : r.kind === 'storage'
            ? r.storageClass
            : r.kind === 'network'
              ? r.scope
              : r.kind,
      ),
    ).toEqual(['job-1', 'other', 'ssd', 'other', 'internet', 'other']);
    const gpuTime = await points(reader, METRIC.gpuTime);
    expect(gpuTime.map((p) => p.attributes[ATTR.workload])).toEqual(['job-1', 'other']);
    const net = await points(reader, METRIC.networkIo);
    expect(net.map((p) => [p.attributes[ATTR.networkScope], p.value])).toEqual([
      ['internet', 30],
      ['other', 40],
    ]);
  });

  it('records storage levels, network bytes, cache lookups and revenue with their attributes', async () => {
    const { meterProvider, reader } = privateMeter();
    const clock = createManualClock();
    const seen: UsageRecord[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      clock,
      processors: [{ onUsage: (r) => seen.push(r) }],
    });
    recorder.storage.set(5_000_000_000, { storageClass: 'vector_db', attributes: { feature: 'search' } });
    recorder.storage.set(6_000_000_000, { storageClass: 'vector_db', attributes: { feature: 'search' } });
    recorder.network.add(1000, { scope: 'internet' });
    recorder.network.add(500, { direction: 'receive', scope: 'inter_region' });
    recorder.cache.hit({ model: 'gpt-4o', attributes: { feature: 'search' } });
    recorder.cache.miss({ model: 'gpt-4o', attributes: { feature: 'search' } });
    recorder.cache.hit({ model: 'gpt-4o', attributes: { feature: 'search' } });
    recorder.revenue.add(19.99);

    expect(await points(reader, METRIC.storageUsage)).toEqual([
      { value: 6_000_000_000, attributes: { feature: 'search', [ATTR.storageClass]: 'vector_db' } },
    ]);
    const net = await points(reader, METRIC.networkIo);
    expect(sumWhere(net, { [ATTR.networkDirection]: 'transmit', [ATTR.networkScope]: 'internet' })).toBe(
      1000,
    );
    expect(sumWhere(net, { [ATTR.networkDirection]: 'receive', [ATTR.networkScope]: 'inter_region' })).toBe(
      500,
    );
    const cache = await points(reader, METRIC.cacheRequests);
    expect(sumWhere(cache, { [ATTR.cacheResult]: 'hit', [ATTR.requestModel]: 'gpt-4o' })).toBe(2);
    expect(sumWhere(cache, { [ATTR.cacheResult]: 'miss' })).toBe(1);
    expect(await total(reader, METRIC.revenue)).toBe(19.99);
    expect(seen.filter((r) => r.kind === 'cache').map((r) => r.kind === 'cache' && r.result)).toEqual([
      'hit',
      'miss',
      'hit',
    ]);
    expect(seen[0]).toEqual({
      kind: 'storage',
      timeMs: clock.now(),
      storageClass: 'vector_db',
      bytes: 5_000_000_000,
      attributes: { feature: 'search' },
    });
  });

  it('treats attributes named storageClass, scope, direction, model or provider as caller attributes when passed under attributes, never as options', async () => {
    const { meterProvider, reader } = privateMeter();
    const clock = createManualClock();
    const seen: UsageRecord[] = [];
    const recorder = createUsageRecorder({
      meterProvider,
      clock,
      cardinality: { allow: ['storageClass', 'scope', 'direction', 'model', 'provider', 'feature'] },
      processors: [{ onUsage: (r) => seen.push(r) }],
    });
    recorder.storage.set(100, { attributes: { storageClass: 'caller-class', feature: 'search' } });
    recorder.network.add(10, {
      scope: 'inter_region',
      attributes: { scope: 'caller-scope', direction: 'receive' },
    });
    recorder.cache.hit({ attributes: { model: 'caller-model', provider: 'caller-provider' } });
    recorder.cache.miss({ model: 'gpt-4o', provider: 'openai', attributes: { model: 'caller-model' } });

    expect(await points(reader, METRIC.storageUsage)).toEqual([
      {
        value: 100,
        attributes: { storageClass: 'caller-class', feature: 'search', [ATTR.storageClass]: 'default' },
      },
    ]);
    expect(await points(reader, METRIC.networkIo)).toEqual([
      {
        value: 10,
        attributes: {
          scope: 'caller-scope',
          direction: 'receive',
          [ATTR.networkDirection]: 'transmit',
          [ATTR.networkScope]: 'inter_region',
        },
      },
    ]);
    expect(await points(reader, METRIC.cacheRequests)).toEqual([
      {
        value: 1,
        attributes: { model: 'caller-model', provider: 'caller-provider', [ATTR.cacheResult]: 'hit' },
      },
      {
        value: 1,
        attributes: { model: 'caller-model', [ATTR.cacheResult]: 'miss', [ATTR.requestModel]: 'gpt-4o' },
      },
    ]);
    const timeMs = clock.now();
    expect(seen).toEqual([
      {
        kind: 'storage',
        timeMs,
        attributes: { storageClass: 'caller-class', feature: 'search' },
        storageClass: 'default',
        bytes: 100,
      },
      {
        kind: 'network',
        timeMs,
        attributes: { scope: 'caller-scope', direction: 'receive' },
        direction: 'transmit',
        scope: 'inter_region',
        bytes: 10,
      },
      {
        kind: 'cache',
        timeMs,
        attributes: { model: 'caller-model', provider: 'caller-provider' },
        result: 'hit',
      },
      {
        kind: 'cache',
        timeMs,
        attributes: { model: 'caller-model' },
        result: 'miss',
        model: 'gpt-4o',
        provider: 'openai',
      },
    ]);
  });

  it('merges per-call attributes over static and withAttributes ones and passes them through the cardinality guard', async () => {
    const drops = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider, attributes: { service: 'api' } });
    withAttributes({ tenant: 'acme', feature: 'from-context' }, () =>
      recorder.storage.set(1, { storageClass: 'ssd', attributes: { feature: 'search', bucket: 'b-42' } }),
    );
    expect(await points(reader, METRIC.storageUsage)).toEqual([
      {
        value: 1,
        attributes: { service: 'api', tenant: 'acme', feature: 'search', [ATTR.storageClass]: 'ssd' },
      },
    ]);
    expect(drops.mock.calls).toEqual([
      ['burnrate: attribute "bucket" is not in cardinality.allow and was dropped'],
    ]);
  });

  it('ignores an unknown option key from JavaScript with one diag warning per method naming the key and the fix, and still records', async () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const { meterProvider, reader } = privateMeter();
    const seen: UsageRecord[] = [];
    const recorder = createUsageRecorder({ meterProvider, processors: [{ onUsage: (r) => seen.push(r) }] });
    const storage = { storageClass: 'ssd', tenant: 'acme' } as unknown as StorageOptions;
    recorder.storage.set(10, storage);
    recorder.storage.set(20, storage);
    recorder.network.add(30, { scope: 'internet', tenant: 'acme' } as unknown as NetworkOptions);
    recorder.cache.hit({ model: 'gpt-4o', tenant: 'acme' } as unknown as CacheLookupOptions);
    recorder.cache.miss({ model: 'gpt-4o', tenant: 'acme' } as unknown as CacheLookupOptions);

    const fix = (method: string, options: string) =>
      `burnrate: recorder.${method}: unknown option "tenant" is ignored (options: ${options}, attributes); put caller attributes under attributes: { tenant: ... }`;
    expect(warn.mock.calls).toEqual([
      [fix('storage.set', 'storageClass')],
      [fix('network.add', 'direction, scope')],
      [fix('cache.hit', 'model, provider')],
      [fix('cache.miss', 'model, provider')],
    ]);
    expect(seen.map((r) => [r.kind, r.attributes])).toEqual([
      ['storage', {}],
      ['storage', {}],
      ['network', {}],
      ['cache', {}],
      ['cache', {}],
    ]);
    expect(await points(reader, METRIC.storageUsage)).toEqual([
      { value: 20, attributes: { [ATTR.storageClass]: 'ssd' } },
    ]);
    expect(await total(reader, METRIC.networkIo)).toBe(30);
    expect(await total(reader, METRIC.cacheRequests, { [ATTR.requestModel]: 'gpt-4o' })).toBe(2);
    // TypeScript rejects the same calls: options have no index signature.
    // @ts-expect-error tenant is not an option; it belongs under attributes
    recorder.storage.set(1, { storageClass: 'ssd', tenant: 'acme' });
    // @ts-expect-error tenant is not an option; it belongs under attributes
    recorder.cache.hit({ tenant: 'acme' });
  });

  it('ignores options that are not an object, or attributes that are not one, with a diag warning, and still records', async () => {
    const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
    const { meterProvider, reader } = privateMeter();
    const recorder = createUsageRecorder({ meterProvider });
    recorder.storage.set(10, 'ssd' as unknown as StorageOptions);
    recorder.network.add(5, { attributes: 'tenant=acme' } as unknown as NetworkOptions);
    expect(warn.mock.calls).toEqual([
      [
        'burnrate: recorder.storage.set: expected an options object such as { storageClass: ..., attributes: { ... } }, got "ssd"; it is ignored',
      ],
      [
        'burnrate: recorder.network.add: attributes: expected an object such as { feature: \'search\' }, got "tenant=acme"; it is ignored',
      ],
    ]);
    expect(await points(reader, METRIC.storageUsage)).toEqual([
      { value: 10, attributes: { [ATTR.storageClass]: 'default' } },
    ]);
    expect(await total(reader, METRIC.networkIo)).toBe(5);
  });

  it('ignores invalid amounts with a diag error instead of throwing', async () => {
    const { meterProvider, reader } = privateMeter();
    const errors = vi.spyOn(diag, 'error');
    const recorder = createUsageRecorder({ meterProvider });
    expect(() => recorder.network.add(-1)).not.toThrow();
    expect(() => recorder.revenue.add(Number.NaN)).not.toThrow();
    expect(await points(reader, METRIC.networkIo)).toEqual([]);
    expect(errors.mock.calls.map((c) => String(c[1]))).toEqual([
      'RangeError: network.add: expected a finite number >= 0, got -1',
      'RangeError: revenue.add: expected a finite number >= 0, got null',
    ]);
  });
});
