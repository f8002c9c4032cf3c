/** What a Bedrock `modelId` names: the model to price, the base model, the region and the kind. */
export interface BedrockModel {
  /** The id as the caller sent it (`gen_ai.request.model`). */
  requested: string;
  /**
   * The id burnrate prices and reports as `gen_ai.response.model`: the ARN's resource part with the
   * geography prefix of a cross-region inference profile kept (`us.anthropic.claude-…`), because
   * the catalog prices global and regional profiles apart (Claude Haiku 4.5: $1.00 vs $1.10 per 1M
   * input tokens). Undefined when the id names no model by itself (application inference profiles,
   * provisioned throughput, custom models: their model is known only to Bedrock's control plane).
   */
  pricingModel: string | undefined;
  /** The foundation model without any prefix (`anthropic.claude-3-5-haiku-20241022-v1:0`); undefined as above. */
  baseModel: string | undefined;
  /** The inference profile's geography (`us`, `eu`, `apac`, `global`, ...), when the id is a cross-region profile. */
  geography: string | undefined;
  /** The region an ARN names; undefined for plain ids (the client's region applies). */
  region: string | undefined;
  /** What the id is. */
  kind: 'model' | 'foundation-model' | 'inference-profile' | 'other-arn';
}

/** Geography prefixes of Bedrock's system-defined cross-region inference profiles. */
const GEOGRAPHIES: ReadonlySet<string> = new Set(['us', 'us-gov', 'eu', 'apac', 'au', 'ca', 'jp', 'global']);

/**
 * Resolves a Bedrock `modelId` (a model id, a cross-region inference profile id such as
 * `us.anthropic.claude-3-5-haiku-20241022-v1:0`, or an ARN of a foundation model or an inference
 * profile) to the model to price, its base model and its region. Never throws.
 *
 * @example
 * resolveBedrockModel('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-8b-instruct-v1:0')
 * // { pricingModel: 'us.meta.llama3-1-8b-instruct-v1:0', baseModel: 'meta.llama3-1-8b-instruct-v1:0', geography: 'us', region: 'us-east-1', kind: 'inference-profile', ... }
 */
export function resolveBedrockModel(modelId: string): BedrockModel {
  const requested = String(modelId);
  let resource = requested;
  let region: string | undefined;
  let kind: BedrockModel['kind'] = 'model';
  if (requested.startsWith('arn:')) {
    // arn:partition:bedrock:region:account:type/id — the id itself may contain ':' but never '/'.
    const fields = requested.split(':');
    region = fields[3] || undefined;
    const rest = fields.slice(5).join(':');
    const slash = rest.indexOf('/');
    const type = slash >= 0 ? rest.slice(0, slash) : rest;
    resource = slash >= 0 ? rest.slice(slash + 1) : '';
    if (type === 'foundation-model') kind = 'foundation-model';
    else if (type === 'inference-profile') kind = 'inference-profile';
    else kind = 'other-arn';
  }
  if (kind === 'other-arn' || resource === '') {
    return { requested, pricingModel: undefined, baseModel: undefined, geography: undefined, region, kind };
  }
  const dot = resource.indexOf('.');
  const prefix = dot > 0 ? resource.slice(0, dot) : '';
  const geography = GEOGRAPHIES.has(prefix) ? prefix : undefined;
  if (geography !== undefined && kind === 'model') kind = 'inference-profile';
  return {
    requested,
    pricingModel: resource,
    baseModel: geography === undefined ? resource : resource.slice(dot + 1),
    geography,
    region,
    kind,
  };
}
