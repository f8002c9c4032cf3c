import { describe, expect, it } from 'vitest';
import { ATTR, COST_METRIC, LABEL, labelName, METRIC, PROM, prometheusName } from '../src/index.js';

describe('prometheusName', () => {
  it('turns dots into underscores and adds _total to counters only, as the JS exporter does', () => {
    expect([
      prometheusName(METRIC.inputTokens, 'counter'),
      prometheusName(METRIC.inferenceDuration, 'histogram'),
      prometheusName(COST_METRIC.gpuHourlyCost, 'gauge'),
      prometheusName(COST_METRIC.budgetLimit),
    ]).toEqual([
      'gen_ai_client_inference_usage_input_tokens_total',
      'gen_ai_client_inference_duration',
      'burnrate_gpu_hourly_cost_usd',
      'burnrate_budget_limit_usd',
    ]);
  });

  it('keeps colons and replaces every other character outside [a-zA-Z0-9_:], non-ASCII included', () => {
    expect([
      prometheusName('level:metric.x'),
      prometheusName('coût-total/usd'),
      prometheusName('a b'),
    ]).toEqual(['level:metric_x', 'co_t_total_usd', 'a_b']);
  });
});

describe('labelName', () => {
  it('turns dots into underscores', () => {
    expect([labelName(ATTR.requestModel), labelName(ATTR.serviceTier), labelName('feature')]).toEqual([
      'gen_ai_request_model',
      'openai_response_service_tier',
      'feature',
    ]);
  });

  it('prefixes a leading digit with an underscore, since a label name cannot start with one', () => {
    expect([labelName('1tenant'), labelName('9'), labelName('tenant1'), labelName('.5x')]).toEqual([
      '_1tenant',
      '_9',
      'tenant1',
      '_5x',
    ]);
  });

  it('replaces colons, dashes and non-ASCII letters with underscores', () => {
    expect([labelName('a:b'), labelName('team-name'), labelName('équipe'), labelName('naïve.key')]).toEqual([
      'a_b',
      'team_name',
      '_quipe',
      'na_ve_key',
    ]);
  });
});

describe('the Prometheus tables', () => {
  it('name histogram series with _bucket, _sum and _count and counters with _total', () => {
    expect([
      PROM.inferenceDurationBucket,
      PROM.inferenceDurationSum,
      PROM.inferenceDurationCount,
      PROM.requestCostCount,
      PROM.cost,
      PROM.gpuAllocated,
    ]).toEqual([
      'gen_ai_client_inference_duration_bucket',
      'gen_ai_client_inference_duration_sum',
      'gen_ai_client_inference_duration_count',
      'burnrate_request_cost_usd_count',
      'burnrate_cost_usd_total',
      'burnrate_gpu_allocated',
    ]);
  });

  it('spell attribute labels with labelName and keep caller and alert labels as written', () => {
    expect([LABEL.requestModel, LABEL.component, LABEL.feature, LABEL.tenant, LABEL.threshold]).toEqual([
      'gen_ai_request_model',
      'burnrate_cost_component',
      'feature',
      'tenant',
      'burnrate_budget_threshold',
    ]);
  });
});
