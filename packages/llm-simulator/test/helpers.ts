import OpenAI from 'openai';
import type { Simulator } from '../src/index.js';

/** A real openai client pointed at the simulator, without retries. */
export function clientFor(sim: Simulator): OpenAI {
  return new OpenAI({ baseURL: sim.url, apiKey: 'test', maxRetries: 0 });
}

/** Text of `count` repetitions of a sentence, for long prompts. */
export function longText(count: number): string {
  return Array.from({ length: count }, (_, i) => `Sentence number ${i} talks about budgets and tokens.`).join(
    ' ',
  );
}
