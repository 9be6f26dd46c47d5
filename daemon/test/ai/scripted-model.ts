/**
 * A scripted ChatModel for tests: each test lists the calls it expects, in order, and what each
 * returns. Any call that was not scripted, or of another kind than the next step, throws at once
 * and is recorded, so `verify()` fails the test even when the product code swallowed the error
 * (fail closed). The product never uses this.
 */
import type { z } from 'zod';
import type { AssistantModelConfig, ModelFactory } from '../../src/ai/assistants';
import { AiError } from '../../src/ai/errors';
import type { ChatModel, ChatRequest, ChatStream, GenerateResult, ObjectResult, ObjectStream, TextDelta, TokenUsage } from '../../src/ai/provider';

export type ScriptedReply =
  | { text: string; usage?: TokenUsage }
  | { error: AiError }
  /** Streams `chunks` (each after `chunkDelayMs`), then finishes, fails with `error`, or hangs until aborted. */
  | { chunks: string[]; usage?: TokenUsage; then?: 'finish' | 'hang'; error?: AiError; chunkDelayMs?: number }
  | { object: unknown; usage?: TokenUsage }
  /**
   * streamObject only: yields `partials`, then waits for `gate` (if any; an abort cancels the wait),
   * then fails with `error`, hangs until aborted, or finishes with `object` (checked against the schema:
   * a misfit fails with kind 'schema_mismatch', like the real model).
   */
  | { partials: unknown[]; object?: unknown; gate?: Promise<void>; error?: AiError; then?: 'finish' | 'hang'; usage?: TokenUsage };

export interface ScriptedStep {
  call: 'generate' | 'stream' | 'generateObject' | 'streamObject';
  /** Throws (an expect()) when the request is not what the test wanted. */
  check?: (req: ChatRequest, config?: AssistantModelConfig) => void;
  reply: ScriptedReply;
}

const USAGE: TokenUsage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };

/** Waits for `gate`, or until the signal aborts (whichever comes first). */
function untilAborted(gate: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return gate;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    gate.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

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
    if (!parsed.success) throw new AiError({ kind: 'schema_mismatch', who: this.id, reason: parsed.error.issues[0]?.message ?? 'invalid' });
    return { object: parsed.data as z.output<S>, usage: r.usage ?? USAGE };
  }

  streamObject<S extends z.ZodType>(req: ChatRequest, schema: S): ObjectStream<z.output<S>> {
    let settle!: { resolve: (r: ObjectResult<z.output<S>>) => void; reject: (e: unknown) => void };
    const final = new Promise<ObjectResult<z.output<S>>>((resolve, reject) => (settle = { resolve, reject }));
    final.catch(() => undefined);
    let step: ScriptedStep | undefined;
    let early: unknown;
    try {
      step = this.take('streamObject', req);
    } catch (e) {
      early = e;
    }
    const id = this.id;
    async function* partials(): AsyncGenerator<unknown> {
      const cancelled = () => new AiError({ kind: 'cancelled' });
      const fail = (e: unknown): never => {
        settle.reject(e);
        throw e;
      };
      if (!step) return fail(early);
      const r = step.reply;
      const usage = ('usage' in r ? r.usage : undefined) ?? USAGE;
      if ('error' in r && !('partials' in r)) return fail(r.error);
      if (!('object' in r) && !('partials' in r)) return fail(new Error('ScriptedModel: a streamObject step needs { object }, { partials… } or { error }'));
      if ('partials' in r) {
        for (const p of r.partials) {
          if (req.signal?.aborted) return fail(cancelled());
          yield p;
        }
        if (r.gate) await untilAborted(r.gate, req.signal);
        if (req.signal?.aborted) return fail(cancelled());
        if (r.error) return fail(r.error);
        if (r.then === 'hang') {
          await untilAborted(new Promise<void>(() => undefined), req.signal);
          return fail(cancelled());
        }
      }
      const parsed = schema.safeParse(r.object);
      if (!parsed.success) {
        return fail(new AiError({ kind: 'schema_mismatch', who: id, reason: parsed.error.issues[0]?.message ?? 'invalid' }, { replyText: JSON.stringify(r.object ?? null), usage }));
      }
      settle.resolve({ object: parsed.data as z.output<S>, usage });
    }
    return { partials: partials(), final };
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
      const cancelled = () => new AiError({ kind: 'cancelled' });
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
