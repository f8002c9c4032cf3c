export type * from './record/usage-record.js';
export * from './semconv.js';
