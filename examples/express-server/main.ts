/**
 * express-server: runs the `/ask` service from `app.ts` until Ctrl-C.
 *
 * Run: `pnpm --filter @burnrate/examples exec tsx express-server/main.ts` (PORT, default 8080; HOST,
 * default 127.0.0.1). Against the local simulator unless OPENAI_API_KEY / OPENAI_BASE_URL are set.
 */
import { startServer } from './app.js';

const server = await startServer(Number(process.env['PORT'] ?? 8080), {
  ...(process.env['HOST'] && { host: process.env['HOST'] }),
});
console.log(`listening on ${server.url}`);
console.log(`  curl -s -X POST ${server.url}/ask -H 'content-type: application/json' \\
       -H 'x-tenant: acme' -H 'x-user: alice' -d '{"question":"Where is my order?"}'`);
console.log(`  curl -s ${server.url}/metrics | grep burnrate_cost_usd_total`);
console.log('Ctrl-C to stop');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => console.log('stopped'),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}
