import type { CallerAttributes } from '../attributes/attribute-context.js';
import type { TokenUsage } from '../record/usage-record.js';
import type { UsageRecorder } from '../recorder/usage-recorder.js';
import { safely } from '../safe.js';
import { type CallEnd, type CallStart, finishCall } from '../wrap/call-observer.js';
import { errorTypeOf } from '../wrap/error-type.js';
import { type RecordedCalls, watchRecordedCalls } from '../wrap/recorded-calls.js';
import { normalizeLangChainUsage } from './normalize-usage.js';
import { langChainProviderName } from './provider-name.js';

/** Options of {@link BurnrateCallbackHandler}. */
export interface BurnrateCallbackHandlerOptions {
  /** The recorder that receives each model run's usage. Required. */
  recorder: UsageRecorder;
  /** Attributes on every run this handler records (e.g. `{ feature: 'chat' }`); allowed past the guard. Default: none. */
  attributes?: CallerAttributes;
  /** `gen_ai.provider.name` for every run. Default: from the run's `ls_provider` metadata (`openai`, `anthropic`, ...). */
  providerName?: string;
}

/** What the handler keeps of a run between its start and its end. */
interface Run {
  start: CallStart;
  /** Response ids seen on streamed chunks, to match a call an instrumented client recorded. */
  ids: string[];
  firstChunkMs: number | undefined;
}

/** Runs kept at most (runs whose end never came, e.g. a process killed mid-call, go first). */
const MAX_RUNS = 10_000;

/**
 * A LangChain.js callback handler that records one LLM usage record per chat-model or LLM run, from
 * the `usage_metadata` of its generations (input, output, cache read and creation, reasoning:
 * {@link normalizeLangChainUsage}), with the model and provider from the run's metadata
 * (`ls_model_name`, `ls_provider`) and invocation params. Pass it in `callbacks`, on the model or per
 * call. It never throws into LangChain, and it awaits nothing slow, so LangChain runs it inline
 * (`awaitHandlers`): the record exists when `invoke()` returns, and `withAttributes` applies.
 *
 * A call whose client is also instrumented (`instrumentOpenAI` on the client under a `ChatOpenAI`)
 * is recorded once, by the client wrapper, which sees the provider's raw usage; this handler then
 * skips the run (matched by the provider's response id, or the error object of a failed call).
 *
 * @example
 * const model = new ChatOpenAI({ model: 'gpt-4o-mini', callbacks: [new BurnrateCallbackHandler({ recorder })] });
 */
export class BurnrateCallbackHandler {
  /** The handler's name in LangChain's callback manager. */
  readonly name = 'BurnrateCallbackHandler';
  /** Run inline rather than on LangChain's background queue: records are in place when the call returns. */
  readonly awaitHandlers = true;
  /** A telemetry failure never becomes the caller's error. */
  readonly raiseError = false;
  /** LLM and chat-model runs are what this handler meters. */
  readonly ignoreLLM = false;
  /** Chains, agents, retrievers and custom events carry no usage of their own. */
  readonly ignoreChain = true;
  /** As `ignoreChain`: no usage of their own. */
  readonly ignoreAgent = true;
  /** As `ignoreChain`: no usage of their own. */
  readonly ignoreRetriever = true;
  /** As `ignoreChain`: no usage of their own. */
  readonly ignoreCustomEvent = true;

  private readonly recorder: UsageRecorder;
  private readonly attributes: CallerAttributes | undefined;
  private readonly providerName: string | undefined;
  private readonly runs = new Map<string, Run>();
  private readonly recorded: RecordedCalls | undefined;

  /** Makes a handler recording on `options.recorder`. */
  constructor(options: BurnrateCallbackHandlerOptions) {
    if (!options?.recorder || typeof options.recorder.recordLlm !== 'function') {
      throw new TypeError(
        'BurnrateCallbackHandler: options.recorder is required; create one with createUsageRecorder()',
      );
    }
    this.recorder = options.recorder;
    this.attributes = options.attributes;
    this.providerName = options.providerName;
    if (options.attributes) options.recorder.allowAttributes(Object.keys(options.attributes));
    this.recorded = watchRecordedCalls(options.recorder);
  }

  /** A text-completion LLM run starts. */
  handleLLMStart(
    _llm: unknown,
    _prompts: unknown,
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.begin(runId, 'text_completion', extraParams, metadata);
  }

  /** A chat-model run starts. */
  handleChatModelStart(
    _llm: unknown,
    _messages: unknown,
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.begin(runId, 'chat', extraParams, metadata);
  }

  /** A streamed token: the run streams; the first one is its first chunk. */
  handleLLMNewToken(
    _token: string,
    _idx: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: { chunk?: unknown },
  ): void {
    safely('reading a LangChain token', () => {
      const run = this.runs.get(runId);
      if (!run) return;
      run.start.streaming = true;
      if (run.firstChunkMs === undefined) run.firstChunkMs = this.recorder.clock.now();
      const id = (fields?.chunk as { message?: { id?: unknown } } | undefined)?.message?.id;
      if (typeof id === 'string' && !run.ids.includes(id)) run.ids.push(id);
    });
  }

  /** A run ends: one record from its generations' usage, unless a client wrapper recorded the call. */
  handleLLMEnd(output: unknown, runId: string): void {
    safely('recording a LangChain run', () => {
      const run = this.take(runId);
      if (!run) return;
      const end = readOutput(output);
      if (this.recorded?.take([...run.ids, ...end.ids])) return;
      if (run.firstChunkMs !== undefined) end.call.firstChunkMs = run.firstChunkMs;
      finishCall(this.recorder, run.start, end.call);
    });
  }

  /** A run fails: one failed record, unless a client wrapper recorded the call (by its error or response id). */
  handleLLMError(err: unknown, runId: string): void {
    safely('recording a failed LangChain run', () => {
      const run = this.take(runId);
      if (!run) return;
      if (this.recorded?.take(run.ids, err)) return;
      const end: CallEnd = { errorType: langChainErrorType(err), served: run.firstChunkMs !== undefined };
      if (run.firstChunkMs !== undefined) end.firstChunkMs = run.firstChunkMs;
      finishCall(this.recorder, run.start, end);
    });
  }

  private begin(
    runId: string,
    operation: string,
    extraParams: Record<string, unknown> | undefined,
    metadata: Record<string, unknown> | undefined,
  ): void {
    safely('starting a LangChain run', () => {
      // Another handler of this recorder already meters this run (attached twice): it records it.
      if (this.recorded && !this.recorded.claimRun(runId, this)) return;
      const params = (extraParams?.['invocation_params'] ?? {}) as Record<string, unknown>;
      const model =
        metadata?.['ls_model_name'] ?? params['model'] ?? params['model_name'] ?? params['modelName'];
      const start: CallStart = {
        operation,
        requestModel: typeof model === 'string' && model !== '' ? model : 'unknown',
        streaming: params['stream'] === true,
        startMs: this.recorder.clock.now(),
        attributes: this.recorder.captureAttributes(this.attributes),
        server: { provider: this.providerName ?? langChainProviderName(metadata?.['ls_provider']) },
      };
      if (this.runs.size >= MAX_RUNS) {
        const oldest = this.runs.keys().next().value;
        if (oldest !== undefined) this.take(oldest);
      }
      this.runs.set(runId, { start, ids: [], firstChunkMs: undefined });
    });
  }

  private take(runId: string): Run | undefined {
    const run = this.runs.get(runId);
    if (!run) return undefined;
    this.runs.delete(runId);
    this.recorded?.releaseRun(runId, this);
    return run;
  }
}

interface GenerationLike {
  message?: {
    id?: unknown;
    usage_metadata?: unknown;
    response_metadata?: Record<string, unknown>;
  };
  generationInfo?: Record<string, unknown>;
}

/** The usage, model and response ids of a run's `LLMResult`. */
function readOutput(output: unknown): { call: CallEnd; ids: string[] } {
  const o = output as { generations?: unknown; llmOutput?: Record<string, unknown> } | undefined;
  const gens = (Array.isArray(o?.generations) ? o.generations.flat() : []) as GenerationLike[];
  const call: CallEnd = {};
  const ids: string[] = [];
  let usage: TokenUsage | undefined;
  for (const g of gens) {
    const meta = g?.message?.response_metadata ?? {};
    const info = g?.generationInfo ?? {};
    // Every generation of one call carries the call's usage (n > 1 choices share it): read it once.
    usage ??= normalizeLangChainUsage(g?.message?.usage_metadata);
    for (const id of [g?.message?.id, meta['id']]) if (typeof id === 'string') ids.push(id);
    const model = meta['model_name'] ?? meta['model'] ?? info['model_name'];
    if (call.responseModel === undefined && typeof model === 'string') call.responseModel = model;
    const tier = meta['service_tier'] ?? info['service_tier'];
    if (call.serviceTier === undefined && typeof tier === 'string') call.serviceTier = tier;
  }
  // Integrations without usage_metadata still report llmOutput.tokenUsage (input and output only).
  usage ??= fromTokenUsage(o?.llmOutput?.['tokenUsage']);
  if (usage) call.usage = usage;
  return { call, ids };
}

function fromTokenUsage(tokenUsage: unknown): TokenUsage | undefined {
  const t = tokenUsage as { promptTokens?: unknown; completionTokens?: unknown } | undefined;
  return normalizeLangChainUsage(t && { input_tokens: t.promptTokens, output_tokens: t.completionTokens });
}

/**
 * The error's class, or its `name` where the class says nothing: LangChain rethrows the client's
 * abort and timeout as a plain `Error` named `AbortError` / `TimeoutError`, and a signal aborted
 * before the call throws a `DOMException` named `AbortError`.
 */
function langChainErrorType(err: unknown): string {
  const type = errorTypeOf(err);
  const name = (err as { name?: unknown } | undefined)?.name;
  return (type === 'Error' || type === 'DOMException') && typeof name === 'string' && name !== ''
    ? name
    : type;
}
