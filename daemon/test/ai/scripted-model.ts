/**
 * A scripted ChatModel for tests: each test lists the calls it expects, in order, and what each
 * returns. Any call that was not scripted, or of another kind than the next step, throws at once
 * and is recorded, so `verify()` fails the test even when the product code swallowed the error
 * (fail closed). The product never uses this.
 */
import type { z } from 'zod';
import type { AssistantModelConfig, ModelFactory } from '../../src/ai/assistants';
import { AiError, aiMessages } from '../../src/ai/errors';
import type { ChatModel, ChatRequest, ChatStream, GenerateResult, TextDelta, TokenUsage } from '../../src/ai/provider';

export type ScriptedReply =
  | { text: string; usage?: TokenUsage }
  | { error: AiError }
  /** Streams `chunks` (each after `chunkDelayMs`), then finishes, fails with `error`, or hangs until aborted. */
  | { chunks: string[]; usage?: TokenUsage; then?: 'finish' | 'hang'; error?: AiError; chunkDelayMs?: number }
  | { object: unknown; usage?: TokenUsage };

export interface ScriptedStep {
  call: 'generate' | 'stream' | 'generateObject';
  /** Throws (an expect()) when the request is not what the test wanted. */
  check?: (req: ChatRequest, config?: AssistantModelConfig) => void;
  reply: ScriptedReply;
}

const USAGE: TokenUsage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };

export class ScriptedModel implements ChatModel {
  readonly id = 'scripted:test';
  readonly steps: ScriptedStep[] = [];
  readonly calls: Array<{ call: ScriptedStep['call']; req: ChatRequest; config?: AssistantModelConfig }> = [];
  readonly unexpected: string[] = [];
  /** The config of the assistant the factory last built a model for. */
  config?: AssistantModelConfig;

  script(...steps: ScriptedStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  /** A ModelFactory for AppDeps.models that hands out this model and remembers the config. */
  factory(): ModelFactory {
    return (config) => {
      this.config = config;
      return this;
    };
  }

  verify(): void {
    const problems = [...this.unexpected];
    if (this.steps.length > 0) problems.push(`${this.steps.length} scripted call(s) never made: ${this.steps.map((s) => s.call).join(', ')}`);
    this.steps.length = 0;
    this.unexpected.length = 0;
    if (problems.length > 0) throw new Error(`ScriptedModel: ${problems.join('; ')}`);
  }

  private take(call: ScriptedStep['call'], req: ChatRequest): ScriptedStep {
    this.calls.push({ call, req, config: this.config });
    const step = this.steps.shift();
    const fail = (why: string) => {
      const message = `unscripted ${call} call: ${why} (last message: ${JSON.stringify(req.messages.at(-1)?.content?.slice(0, 80))})`;
      this.unexpected.push(message);
      return new Error(`ScriptedModel: ${message}`);
    };
    if (!step) throw fail('nothing left in the script');
    if (step.call !== call) throw fail(`the script expected ${step.call}`);
    try {
      step.check?.(req, this.config);
    } catch (e) {
      throw fail(`check failed: ${(e as Error).message}`);
    }
    return step;
  }

  generate(req: ChatRequest): Promise<GenerateResult> {
    let step: ScriptedStep;
    try {
      step = this.take('generate', req);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const r = step.reply;
    if ('error' in r && !('chunks' in r)) return Promise.reject(r.error);
    if (!('text' in r)) return Promise.reject(new Error('ScriptedModel: a generate step needs { text } or { error }'));
    return Promise.resolve({ text: r.text, usage: r.usage ?? USAGE, finishReason: 'stop' });
  }

  async generateObject<S extends z.ZodType>(req: ChatRequest, schema: S) {
    const step = this.take('generateObject', req);
    const r = step.reply;
    if ('error' in r && !('chunks' in r)) throw r.error;
    if (!('object' in r)) throw new Error('ScriptedModel: a generateObject step needs { object } or { error }');
    const parsed = schema.safeParse(r.object);
    if (!parsed.success) throw new AiError('schema_mismatch', aiMessages.schemaMismatch(this.id, parsed.error.issues[0]?.message ?? 'invalid'));
    return { object: parsed.data as z.output<S>, usage: r.usage ?? USAGE };
  }

  stream(req: ChatRequest): ChatStream {
    let settle!: { resolve: (r: GenerateResult) => void; reject: (e: unknown) => void };
    const final = new Promise<GenerateResult>((resolve, reject) => (settle = { resolve, reject }));
    final.catch(() => undefined);
    let step: ScriptedStep | undefined;
    let early: unknown;
    try {
      step = this.take('stream', req);
    } catch (e) {
      early = e;
    }
    async function* chunks(): AsyncGenerator<TextDelta> {
      if (!step) {
        settle.reject(early);
        throw early;
      }
      const r = step.reply;
      if (!('chunks' in r)) {
        const e = 'error' in r ? r.error : new Error('ScriptedModel: a stream step needs { chunks } or { error }');
        settle.reject(e);
        throw e;
      }
      let text = '';
      const cancelled = () => new AiError('cancelled', aiMessages.cancelled());
      for (const c of r.chunks) {
        if (r.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, r.chunkDelayMs));
        if (req.signal?.aborted) {
          settle.reject(cancelled());
          throw cancelled();
        }
        text += c;
        yield { type: 'text', text: c };
      }
      if (r.error) {
        settle.reject(r.error);
        throw r.error;
      }
      if (r.then === 'hang') {
        await new Promise<void>((resolve) => {
          if (req.signal?.aborted) return resolve();
          req.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        settle.reject(cancelled());
        throw cancelled();
      }
      settle.resolve({ text, usage: r.usage ?? USAGE, finishReason: 'stop' });
    }
    return { chunks: chunks(), final };
  }
}
