/**
 * The burnrate demo: a realistic LLM workload through an instrumented `openai` client against the
 * local simulator, priced live, served on /metrics, ending with the cost report and a capacity plan.
 * `./scripts/demo.sh --help` lists the options.
 */
import { fileURLToPath } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  type CostProcessor,
  formatReport,
  formatUsd,
  loadPriceCard,
  PriceCardError,
  requiredInstances,
} from '@burnrate/cost-processor';
import { type Simulator, startSimulator } from '@burnrate/llm-simulator';
import { setupBurnrate } from '@burnrate/node';
import { burnrateMiddleware, instrumentBedrock, instrumentGoogleGenAI } from '@burnrate/sdk';
import { COST_METRIC, METRIC, prometheusName } from '@burnrate/semconv';
import { GoogleGenAI } from '@google/genai';
import { wrapLanguageModel } from 'ai';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import OpenAI from 'openai';
import { freePort } from '../../docker/test/harness/index.js';
import { type LocalStack, missingBinaries, startLocalStack } from './local-stack.js';
import { showProgress } from './progress.js';
import { oneRequest, seeded, type WorkloadStats } from './workload.js';

const DEFAULT_CARD = fileURLToPath(new URL('./price-card.yaml', import.meta.url));

function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag}: expected a number > 0, got "${value}"`);
    return n;
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(
      `--port: expected an integer 0–65535 (0 picks a free port), got "${value}"`,
    );
  }
  return n;
}

interface DemoOptions {
  duration: number;
  rate: number;
  port: number;
  host: string;
  card: string;
  seed: number;
  keepServing: boolean;
  realOpenai: boolean;
  json: boolean;
  withPrometheus: boolean;
}

const program = new Command('burnrate-demo')
  .description('Run a mixed LLM workload through burnrate and print what it cost.')
  .addOption(
    new Option('-d, --duration <seconds>', 'how long to run the workload')
      .default(20)
      .argParser(positive('--duration')),
  )
  .addOption(
    new Option('-r, --rate <calls/s>', 'requests started per second')
      .default(8)
      .argParser(positive('--rate')),
  )
  .addOption(
    new Option('-p, --port <port>', 'port of /metrics (0 = a free port)').default(9464).argParser(port),
  )
  .option('--host <host>', 'address /metrics binds to (0.0.0.0 exposes it beyond this machine)', '127.0.0.1')
  .option('--card <file>', 'price card (YAML or JSON)', DEFAULT_CARD)
  .addOption(new Option('--seed <n>', 'seed of the workload mix').default(42).argParser(positive('--seed')))
  .option('--keep-serving', 'leave /metrics up after the report until Ctrl-C, for Prometheus', false)
  .option(
    '--real-openai',
    'call api.openai.com (needs OPENAI_API_KEY; costs real money) instead of the simulator',
    false,
  )
  .option('--json', 'print the final report as JSON instead of tables', false)
  .option(
    '--with-prometheus',
    'also start Prometheus and Alertmanager (Debian packages) with the rules generated from the card, and show the budget alerts they deliver',
    false,
  )
  .showHelpAfterError()
  // Usage errors exit 2, like the burnrate CLI (1 means the demo itself failed); --help exits 0.
  .exitOverride();

/** Exit code 2 for usage errors (bad or unknown options), 0 for --help, as the burnrate CLI does. */
function parseArguments(): boolean {
  try {
    program.parse();
    return true;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return false;
  }
}

async function main(): Promise<number> {
  const opts = program.opts<DemoOptions>();
  if (opts.realOpenai && !process.env['OPENAI_API_KEY']) {
    console.error(
      '--real-openai: OPENAI_API_KEY is not set; export it, or drop --real-openai to use the simulator',
    );
    return 1;
  }
  if (opts.withPrometheus && missingBinaries().length > 0) {
    console.error(
      `--with-prometheus: ${missingBinaries().join(' and ')} not found; install them with ` +
        '`sudo apt-get install -y --no-install-recommends prometheus prometheus-alertmanager`, or drop --with-prometheus',
    );
    return 1;
  }
  let card: ReturnType<typeof loadPriceCard>;
  try {
    card = loadPriceCard(opts.card);
  } catch (err) {
    console.error(err instanceof PriceCardError ? err.message : String(err));
    return 1;
  }

  // Prometheus and Alertmanager start before burnrate, so the seconds they take are not in the
  // report's period: the period is what the spend covers, and its 30-day projection is the only one.
  let stack: LocalStack | undefined;
  let port = opts.port;
  if (opts.withPrometheus) {
    if (port === 0) port = await freePort();
    stack = await startLocalStack(`http://${opts.host}:${port}/metrics`, card.budgets);
  }

  let processor: CostProcessor | undefined;
  let burnrate: Awaited<ReturnType<typeof setupBurnrate>>;
  try {
    burnrate = await setupBurnrate({
      prometheus: { host: opts.host, port },
      serviceName: 'burnrate-demo',
      attributes: { service: 'demo' },
      priceCard: card,
    });
    processor = burnrate.costs;
  } catch (err) {
    await stack?.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `--port: ${opts.host}:${port} is already in use (another demo or exporter?); stop it, or pass --port 0 for a free port`,
      );
      return 1;
    }
    throw err;
  }
  const api: Simulator | undefined = opts.realOpenai
    ? undefined
    : await startSimulator({ faults: { rate429: 0.02, retryAfterMs: 20, seed: opts.seed } });
  // The self-hosted model: a second OpenAI-compatible server, as vLLM would be.
  const vllm = await startSimulator();
  try {
    const cost = processor as CostProcessor;
    const { recorder } = burnrate;
    const apiClient = burnrate.instrumentOpenAI(
      opts.realOpenai
        ? new OpenAI({ maxRetries: 2 })
        : new OpenAI({ baseURL: api?.url, apiKey: 'sk-simulator', maxRetries: 2 }),
    );
    const selfHosted = burnrate.instrumentOpenAI(
      new OpenAI({ baseURL: vllm.url, apiKey: 'none', maxRetries: 0 }),
      {
        providerName: 'self-hosted',
      },
    );

    // With --json, stdout carries only the JSON document; the banner and progress go to stderr.
    const say = opts.json ? console.error : console.log;
    say(
      `burnrate demo: ${opts.duration}s at ${opts.rate} calls/s against ${opts.realOpenai ? 'api.openai.com' : `the simulator (${api?.url})`}`,
    );
    say(`metrics: ${burnrate.metricsUrl}   price card: ${opts.card}\n`);

    await stack?.waitForTarget();
    if (stack)
      say(
        `Prometheus ${stack.prometheus.url} and Alertmanager ${stack.alertmanager.url} are watching the budgets.\n`,
      );

    // Two L4s held for the self-hosted model; a vector DB; spot batch jobs every few seconds.
    const releaseGpus = recorder.gpu.reserve({
      gpu: 'l4',
      count: 2,
      market: 'reserved',
      model: 'llama-3.1-8b',
      workload: 'inference',
    });
    recorder.storage.set(120e9, { storageClass: 'vector_db' });

    const stats: WorkloadStats = { cacheHits: 0, gpuJobs: 0 };
    const random = seeded(opts.seed);
    const answerCache = new Map<string, string>();
    // Gemini calls go to the same simulator (it serves Gemini's REST paths at its root URL).
    const gemini = api
      ? instrumentGoogleGenAI(
          new GoogleGenAI({ apiKey: 'simulator', httpOptions: { baseUrl: api.anthropicUrl } }),
          {
            recorder,
          },
        )
      : undefined;
    // An AI SDK model (its OpenAI provider, against the simulator) with burnrate's middleware.
    const aiSdk = api
      ? wrapLanguageModel({
          model: createOpenAI({ baseURL: api.url, apiKey: 'sk-simulator' }).chat('gpt-4o-mini'),
          middleware: burnrateMiddleware({ recorder }),
        })
      : undefined;
    // Bedrock's runtime API, served by the same simulator at its root URL. The AWS SDK's notice that
    // its 2027 releases need Node 22 says nothing about this demo; it is turned off unless set.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const bedrock = api
      ? instrumentBedrock(
          new BedrockRuntimeClient({
            endpoint: api.anthropicUrl,
            region: 'us-east-1',
            credentials: { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' },
          }),
          { recorder },
        )
      : undefined;
    const clients = { api: apiClient, selfHosted, gemini, aiSdk, bedrock, recorder };
    const startMs = Date.now();
    const stopProgress = showProgress(
      cost,
      stats,
      opts.duration,
      startMs,
      opts.json ? process.stderr : process.stdout,
    );
    const inFlight: Promise<void>[] = [];
    const total = Math.round(opts.duration * opts.rate);
    for (let i = 0; i < total; i++) {
      const due = startMs + (i * 1000) / opts.rate;
      const wait = due - Date.now();
      // Pacing the workload to the requested rate (not synchronisation: nothing waits on it).
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(oneRequest(clients, i, random, stats, answerCache));
      if (i % Math.max(1, Math.round(opts.rate * 4)) === 0) {
        inFlight.push(
          recorder.gpu.track(
            { gpu: 'a100-80gb', count: 4, market: 'spot', workload: 'batch_embed' },
            async () => {
              await new Promise((r) => setTimeout(r, 400)); // stands for a batch embedding job on the GPUs
              stats.gpuJobs++;
            },
          ),
        );
      }
    }
    await Promise.all(inFlight);
    releaseGpus();
    await burnrate.forceFlush();
    stopProgress();

    const report = cost.report();
    const scraped = await (await fetch(burnrate.metricsUrl as string)).text();
    const metricTotal = (name: string, label = ''): number =>
      scraped
        .split('\n')
        .filter((l) => l.startsWith(`${name}{`) && l.includes(label))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const seenInput = metricTotal(prometheusName(METRIC.inputTokens, 'counter'));
    const seenOutput = metricTotal(prometheusName(METRIC.outputTokens, 'counter'));
    const costName = prometheusName(COST_METRIC.cost, 'counter');
    const costTotal = metricTotal(costName);
    // Storage and fixed costs accrue by the second, so only API and GPU dollars are compared exactly.
    const costApiGpu =
      metricTotal(costName, 'burnrate_cost_component="api"') +
      metricTotal(costName, 'burnrate_cost_component="gpu"');

    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            report,
            capacity: cost.capacity(),
            metrics: {
              inputTokens: seenInput,
              outputTokens: seenOutput,
              costUsd: costTotal,
              apiAndGpuUsd: costApiGpu,
            },
            ...(api && {
              simulators: {
                inputTokens: api.ledger().served.totals.input + vllm.ledger().served.totals.input,
                outputTokens: api.ledger().served.totals.output + vllm.ledger().served.totals.output,
              },
            }),
          },
          null,
          2,
        ),
      );
    } else {
      // The report's "at this rate" line is the demo's one projection (over the report's period).
      console.log(`\n${formatReport(report)}`);
      console.log('\nCapacity plan (instances = ceil(QPS × latency ÷ (batch × utilization)))');
      for (const d of cost.capacity()) {
        const spec = card.deployments.find((x) => x.name === d.deployment);
        const at10x =
          spec && d.latencySeconds > 0
            ? requiredInstances({
                qps: d.qps * 10,
                latencySeconds: d.latencySeconds,
                batchSize: spec.batchSize,
                utilizationTarget: spec.utilizationTarget,
              })
            : 0;
        console.log(
          `  ${d.deployment}: ${d.qps.toFixed(2)} QPS × ${d.latencySeconds.toFixed(3)} s → ${d.requiredInstances} instance(s) now, ${at10x} at 10× traffic`,
        );
      }
      console.log('\nReconciliation');
      if (api) {
        const served = api.ledger().served.totals;
        const self = vllm.ledger().served.totals;
        const input = served.input + self.input;
        const output = served.output + self.output;
        const ok = (a: number, b: number) => (a === b ? '✓' : '✗');
        console.log(
          `  input tokens:  simulators served ${input}, /metrics shows ${seenInput} ${ok(input, seenInput)}`,
        );
        console.log(
          `  output tokens: simulators served ${output}, /metrics shows ${seenOutput} ${ok(output, seenOutput)}`,
        );
      }
      // API and GPU dollars must match exactly; storage and fixed costs accrue by the second, so the
      // totals differ by what accrued between the report and the scrape.
      const reportApiGpu = report.components.api.usd + report.components.gpu.usd;
      console.log(
        `  api + gpu dollars: report ${formatUsd(reportApiGpu)}, /metrics ${formatUsd(costApiGpu)} ${Math.abs(reportApiGpu - costApiGpu) < 1e-9 ? '✓' : '✗'}`,
      );
      console.log(
        `  burnrate_cost_usd_total on /metrics: ${formatUsd(costTotal)}; report total: ${formatUsd(report.totalUsd)} (storage and fixed costs accrue by the second)`,
      );
    }

    if (stack) {
      say('\nBudget alerts (Prometheus rules → Alertmanager → webhook)');
      const alerts = await stack.deliveredBudgetAlerts(30_000);
      for (const a of alerts) say(`  [${a.receiver}] ${a.labels['alertname']}: ${a.annotations['summary']}`);
      if (alerts.length === 0) say('  none fired: no budget was crossed');
    }

    if (opts.keepServing) {
      say(
        `\nServing ${burnrate.metricsUrl} until Ctrl-C (point Prometheus at it: docker/prometheus/prometheus.yml).`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
    return 0;
  } finally {
    await stack?.stop();
    await burnrate.shutdown();
    await api?.close();
    await vllm.close();
  }
}

if (parseArguments())
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
