/**
 * `@burnrate/cost-processor/compare`: what `burnrate compare` computes — a self-hosted deployment
 * against an API model or another deployment at one workload (dollars per 1M tokens and per query,
 * the capacity formula's instances, break-even rate, monthly difference, before/after table).
 */

export {
  apiCandidate,
  CompareInputError,
  type DeploymentRef,
  deploymentCandidate,
  findDeployment,
  parseDeploymentRef,
} from './candidates.js';
export {
  type ApiCandidate,
  type BeforeAfterRow,
  type BreakEven,
  breakEven,
  type CandidateCost,
  type CompareCandidate,
  type CompareWorkload,
  type Comparison,
  compare,
  costOf,
  type DeploymentCandidate,
  HOURS_PER_MONTH,
} from './compare.js';
export { measuredAlternatives } from './measured-alternatives.js';
