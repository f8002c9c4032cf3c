/**
 * Test harness for real Prometheus, Alertmanager, a webhook receiver and instrumented replicas, all
 * on 127.0.0.1 and free ports, each stoppable. Reused by the end-to-end tests and the demo.
 * @module
 */
export * from './alertmanager.js';
export * from './daemon.js';
export * from './local-configs.js';
export * from './poll.js';
export * from './ports.js';
export * from './process.js';
export * from './prometheus.js';
export * from './replica.js';
export * from './webhook.js';
