import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { UsageRecorder } from '@burnrate/sdk';
import { withAttributes } from '@burnrate/sdk';
import type { GoogleGenAI } from '@google/genai';
import { generateText, type LanguageModel } from 'ai';
import type OpenAI from 'openai';

/**
 * Counts of what the workload did that the report does not show, for the progress line. Queries and
 * failed calls come from the report itself, so the progress line and the report use one meaning.
 */
export interface WorkloadStats {
  cacheHits: number;
  gpuJobs: number;
}

/** The clients the workload calls. */
export interface WorkloadClients {
  /** The API provider (simulated OpenAI, or the real one). */
  api: OpenAI;
  /** The self-hosted model's OpenAI-compatible server. */
  selfHosted: OpenAI;
  /** A Gemini client (the simulator speaks Gemini's REST API too); absent against the real OpenAI. */
  gemini?: GoogleGenAI | undefined;
  /** An AI SDK model wrapped with burnrateMiddleware (the OpenAI provider against the simulator); absent against the real OpenAI. */
  aiSdk?: LanguageModel | undefined;
  /** A Bedrock runtime client (the simulator speaks Bedrock's runtime API too); absent against the real OpenAI. */
  bedrock?: BedrockRuntimeClient | undefined;
  recorder: UsageRecorder;
}

const SUPPORT_PLAYBOOK = Array.from(
  { length: 220 },
  (_, i) =>
    `Policy ${i + 1}: when a customer asks about order ${i}, check the order status, apologise once, and offer the documented remedy.`,
).join(' ');

const QUESTIONS = [
  'How do I reset my password?',
  'Where is my order?',
  'Can I change my shipping address?',
  'What is your refund policy?',
  'Do you ship to Canada?',
  'How do I cancel my subscription?',
];

type Kind =
  | 'search'
  | 'stream'
  | 'gemini'
  | 'ai-sdk'
  | 'bedrock'
  | 'responses'
  | 'reasoning'
  | 'fine-tune'
  | 'self-hosted';

/**
 * The request mix, cycled (24 requests): 9 search, 4 streaming support, 1 Gemini reply draft, 1 AI
 * SDK reply draft, 1 Bedrock (Claude) triage, 2 Responses API summaries, 2 reasoning escalations, 1
 * fine-tune, 3 self-hosted. Summaries and escalations come early and twice, so even a 3-second run
 * shows their budgets acting (the demo card blocks summaries and downgrades escalations).
 */
const MIX: readonly Kind[] = [
  ...Array<Kind>(9).fill('search'),
  ...Array<Kind>(4).fill('stream'),
  'gemini',
  'responses',
  'ai-sdk',
  'reasoning',
  'self-hosted',
  'responses',
  'bedrock',
  'reasoning',
  'self-hosted',
  'fine-tune',
  'self-hosted',
];

/** The feature each kind of request belongs to (the budgets in the demo card are scoped by it). */
const FEATURE: Readonly<Record<Kind, string>> = {
  search: 'search',
  stream: 'support',
  gemini: 'support',
  'ai-sdk': 'support',
  bedrock: 'triage',
  responses: 'summaries',
  reasoning: 'escalation',
  'fine-tune': 'support',
  'self-hosted': 'support',
};

const TENANTS = ['acme', 'acme', 'acme', 'globex', 'globex', 'initech'] as const;

/** A small deterministic PRNG (mulberry32), so every demo run makes the same calls. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One request of the demo's mixed workload: search (embeddings + cached chat behind an application
 * response cache), support (streaming chat with a long cached playbook, the Responses API, a
 * reasoning model for escalations, an unknown fine-tune), and a self-hosted model.
 */
export async function oneRequest(
  c: WorkloadClients,
  i: number,
  random: () => number,
  stats: WorkloadStats,
  answerCache: Map<string, string>,
): Promise<void> {
  const tenant = TENANTS[Math.floor(random() * TENANTS.length)] as string;
  const question = QUESTIONS[Math.floor(random() * QUESTIONS.length)] as string;
  const kind = MIX[i % MIX.length] as Kind;
  const feature = FEATURE[kind];
  await withAttributes({ feature, tenant }, async () => {
    try {
      if (kind === 'search') await search(c, tenant, question, stats, answerCache);
      else if (kind === 'stream') await supportStream(c, question);
      else if (kind === 'gemini') {
        // A thinking model: its thoughts are billed as output, and burnrate counts them so.
        if (c.gemini)
          await c.gemini.models.generateContent({
            model: 'gemini-2.5-flash',
            contents: `Draft a reply to: ${question}`,
            config: { maxOutputTokens: 60 },
          });
      } else if (kind === 'ai-sdk') {
        // Through the AI SDK: burnrateMiddleware records the call, the provider's own fetch sends it.
        if (c.aiSdk)
          await generateText({
            model: c.aiSdk,
            prompt: `Suggest a reply to: ${question}`,
            maxOutputTokens: 60,
          });
      } else if (kind === 'bedrock') {
        if (c.bedrock)
          await c.bedrock.send(
            new ConverseCommand({
              modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
              messages: [{ role: 'user', content: [{ text: `Triage this ticket: ${question}` }] }],
              inferenceConfig: { maxTokens: 60 },
            }),
          );
      } else if (kind === 'responses')
        await c.api.responses.create({
          model: 'gpt-4.1',
          input: `Summarise the ticket: ${question}`,
          max_output_tokens: 80,
        });
      else if (kind === 'reasoning')
        await c.api.chat.completions.create({
          model: 'o4-mini',
          messages: [{ role: 'user', content: `Escalation: ${question}` }],
          max_completion_tokens: 300,
        });
      else if (kind === 'fine-tune')
        await c.api.chat.completions.create({
          model: 'ft:gpt-4o-mini:acme:support-v3:x1',
          messages: [{ role: 'user', content: question }],
          max_tokens: 40,
        });
      else
        await c.selfHosted.chat.completions.create({
          model: 'llama-3.1-8b',
          messages: [{ role: 'user', content: question }],
          max_tokens: 120,
        });
      c.recorder.revenue.add(feature === 'search' ? 0.004 : 0.02);
    } catch {
      // A failed call after the client's own retries: the demo carries on; burnrate recorded it
      // (error.type), and the report counts it among the failed calls, not the queries. A call a
      // budget blocked (BudgetExceededError) was never sent: the report counts it under its budget.
    }
  });
}

async function search(
  c: WorkloadClients,
  tenant: string,
  question: string,
  stats: WorkloadStats,
  answerCache: Map<string, string>,
): Promise<void> {
  const key = `${tenant}:${question}`;
  const cached = answerCache.get(key);
  if (cached !== undefined) {
    c.recorder.cache.hit({ model: 'gpt-4o-mini' });
    stats.cacheHits++;
    return;
  }
  c.recorder.cache.miss({ model: 'gpt-4o-mini' });
  await c.api.embeddings.create({ model: 'text-embedding-3-small', input: question });
  const res = await c.api.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: SUPPORT_PLAYBOOK },
      { role: 'user', content: `Search the help centre: ${question}` },
    ],
    max_tokens: 60,
  });
  const answer = res.choices[0]?.message.content ?? '';
  answerCache.set(key, answer);
  c.recorder.network.add(Buffer.byteLength(answer) + 512, { scope: 'internet' });
}

async function supportStream(c: WorkloadClients, question: string): Promise<void> {
  // Streaming without include_usage: burnrate asks for usage and hides the extra chunk.
  const stream = await c.api.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: SUPPORT_PLAYBOOK },
      { role: 'user', content: question },
    ],
    max_tokens: 150,
    stream: true,
  });
  let bytes = 0;
  for await (const chunk of stream) bytes += Buffer.byteLength(chunk.choices[0]?.delta.content ?? '');
  c.recorder.network.add(bytes, { scope: 'internet' });
}
