/**
 * The real ChatModel: the AI SDK (`ai` 6) with its provider packages. The SDK's own retries are
 * off (maxRetries: 0) so that retries, backoff, Retry-After, timeouts and cancellation follow one
 * policy here for every provider, streams included, and every failure leaves as an AiError.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, Output, parsePartialJson, streamText, type LanguageModel, type LanguageModelUsage, type ModelMessage } from 'ai';
import type { z } from 'zod';
import type { AiProvider } from '../db/schema';
import { AiError, toAiError, type AiWho } from './errors';
import type { ChatModel, ChatRequest, ChatStream, FinishReason, GenerateResult, ObjectResult, ObjectStream, TextDelta, TokenUsage } from './provider';
import { DEFAULT_CALL_POLICY, retryDelay, sleep, withRetry, type CallPolicy } from './retry';

export interface ProviderConfig {
  provider: AiProvider;
  model: string;
  /** Required for openai, claude and gemini; optional for local OpenAI-compatible servers. */
  apiKey?: string;
  /** Overrides the provider's endpoint (required in practice for openai_compatible). */
  baseUrl?: string;
}

export interface ModelOptions {
  policy?: Partial<CallPolicy>;
  /** Hears about retries (never receives the key or the prompt). */
  onRetry?: (info: { model: string; kind: string; status?: number; delayMs: number; attempt: number }) => void;
}

/** Ollama's OpenAI-compatible endpoint, the most common local server. */
export const DEFAULT_COMPATIBLE_BASE_URL = 'http://127.0.0.1:11434/v1';

export const PROVIDER_NAMES: Record<AiProvider, string> = {
  openai: 'OpenAI',
  claude: 'Anthropic',
  gemini: 'Google Gemini',
  openai_compatible: 'The local model server',
};

const KEY_REQUIRED: Record<AiProvider, boolean> = { openai: true, claude: true, gemini: true, openai_compatible: false };

/** How a failure names the provider: "OpenAI (gpt-4o-mini)", or the local server's URL and model. */
export function who(config: ProviderConfig): AiWho {
  if (config.provider === 'openai_compatible') return { server: config.baseUrl ?? DEFAULT_COMPATIBLE_BASE_URL, model: config.model };
  return `${PROVIDER_NAMES[config.provider]} (${config.model})`;
}

function languageModel(config: ProviderConfig): LanguageModel {
  const { apiKey, baseUrl: baseURL, model } = config;
  switch (config.provider) {
    case 'openai':
      // Chat Completions rather than the Responses API: the same wire protocol as every
      // OpenAI-compatible server, and what most proxies speak.
      return createOpenAI({ apiKey, baseURL }).chat(model);
    case 'claude':
      return createAnthropic({ apiKey, baseURL })(model);
    case 'gemini':
      return createGoogleGenerativeAI({ apiKey, baseURL })(model);
    case 'openai_compatible':
      return createOpenAICompatible({
        name: 'openai_compatible',
        baseURL: baseURL ?? DEFAULT_COMPATIBLE_BASE_URL,
        apiKey: apiKey || undefined,
        includeUsage: true,
        supportsStructuredOutputs: true,
      }).chatModel(model);
  }
}

export function toUsage(u: LanguageModelUsage | undefined): TokenUsage {
  const inputTokens = u?.inputTokens ?? 0;
  const outputTokens = u?.outputTokens ?? 0;
  return { inputTokens, outputTokens, totalTokens: u?.totalTokens ?? inputTokens + outputTokens };
}

function toFinish(reason: string | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' || reason === 'content-filter' ? reason : 'other';
}

function toMessages(req: ChatRequest): ModelMessage[] {
  return req.messages.map((m) => ({ role: m.role, content: m.content }));
}

/**
 * One attempt's signal: the caller's signal plus our own timer. `timedOut()` tells whether the
 * timer fired, so an abort becomes 'timeout' or 'cancelled' correctly.
 */
function attemptSignal(caller: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  let timedOutAfter: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOutAfter = ms;
      controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
    }, ms);
  };
  const onAbort = () => controller.abort(caller!.reason);
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  arm(timeoutMs);
  return {
    signal: controller.signal,
    /** Restarts the timer (each chunk of a stream). */
    rearm: arm,
    context: () => ({ cancelled: caller?.aborted === true && timedOutAfter === undefined, timedOutAfterMs: timedOutAfter }),
    /** Stops the timer; `abort` also ends the HTTP request (a consumer that stopped early). */
    dispose(abort = false) {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
      if (abort && !controller.signal.aborted) controller.abort(new DOMException('stopped', 'AbortError'));
    },
  };
}

function missingKey(config: ProviderConfig): AiError | undefined {
  if (KEY_REQUIRED[config.provider] && !config.apiKey) {
    return new AiError({ kind: 'not_configured', problem: 'key_missing', who: PROVIDER_NAMES[config.provider] });
  }
  return undefined;
}

/**
 * One call to a provider under a policy, shared by the chat and embedding models: the key is
 * checked first, each attempt has its own timeout, failures become AiErrors with the key redacted
 * (a provider or a proxy may echo it in an error body), and retryable ones are retried.
 */
export async function callProvider<T>(
  config: ProviderConfig,
  policy: CallPolicy,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
  onRetry?: (error: AiError, delayMs: number, attempt: number) => void,
): Promise<T> {
  const missing = missingKey(config);
  if (missing) throw missing;
  const label = who(config);
  return withRetry(
    async () => {
      if (signal?.aborted) throw new AiError({ kind: 'cancelled' });
      const a = attemptSignal(signal, policy.timeoutMs);
      try {
        return await run(a.signal);
      } catch (e) {
        const err = toAiError(e, label, a.context());
        throw config.apiKey ? err.redact(config.apiKey) : err;
      } finally {
        a.dispose();
      }
    },
    policy,
    signal,
    onRetry,
  );
}

export function createChatModel(config: ProviderConfig, options: ModelOptions = {}): ChatModel {
  const policy: CallPolicy = { ...DEFAULT_CALL_POLICY, ...options.policy };
  const label = who(config);
  const id = `${config.provider}:${config.model}`;
  const model = languageModel(config);
  /** A provider (or a proxy) may echo the key in its error body: it never travels on in the error. */
  const mapError = (e: unknown, context?: Parameters<typeof toAiError>[2]): AiError => {
    const err = toAiError(e, label, context);
    return config.apiKey ? err.redact(config.apiKey) : err;
  };
  const onRetry = (e: AiError, delayMs: number, attempt: number) =>
    options.onRetry?.({ model: id, kind: e.kind, status: e.detail.status, delayMs, attempt });

  function common(req: ChatRequest, signal: AbortSignal) {
    return {
      model,
      system: req.system,
      messages: toMessages(req),
      temperature: req.temperature,
      maxOutputTokens: req.maxOutputTokens,
      maxRetries: 0,
      abortSignal: signal,
    };
  }

  const once = <T>(req: ChatRequest, run: (signal: AbortSignal) => Promise<T>): Promise<T> => callProvider(config, policy, req.signal, run, onRetry);

  async function generate(req: ChatRequest): Promise<GenerateResult> {
    return once(req, async (signal) => {
      const r = await generateText(common(req, signal));
      if (r.rawFinishReason === undefined && r.text === '') throw new AiError({ kind: 'bad_response', who: label });
      return { text: r.text, usage: toUsage(r.totalUsage), finishReason: toFinish(r.finishReason) };
    });
  }

  async function generateObject<S extends z.ZodType>(req: ChatRequest, schema: S, opts: { name?: string; description?: string } = {}): Promise<ObjectResult<z.output<S>>> {
    const call = (r: ChatRequest) =>
      once(r, async (signal) => {
        const result = await generateText({ ...common(r, signal), ...objectOutput(schema, opts) });
        return { object: result.output as z.output<S>, usage: toUsage(result.totalUsage) };
      });
    try {
      return await call(req);
    } catch (e) {
      // One second chance with the reason, when the model answered but not in the right shape.
      if (!(e instanceof AiError) || e.kind !== 'schema_mismatch') throw e;
      const bad = e.detail.replyText;
      if (bad === undefined) throw e;
      const retry: ChatRequest = {
        ...req,
        messages: [
          ...req.messages,
          { role: 'assistant', content: bad },
          { role: 'user', content: `That answer did not match the required JSON schema (${e.message}). Reply again with only the JSON object.` },
        ],
      };
      return call(retry);
    }
  }

  /** The structured-output options of a call (the provider is asked for JSON fitting the schema). */
  function objectOutput(schema: z.ZodType, opts: { name?: string; description?: string }) {
    return { output: Output.object({ schema, name: opts.name, description: opts.description }), providerOptions: { openai: { strictJsonSchema: false } } };
  }

  function stream(req: ChatRequest): ChatStream {
    return streamWith(req, {});
  }

  function streamObject<S extends z.ZodType>(req: ChatRequest, schema: S, opts: { name?: string; description?: string } = {}): ObjectStream<z.output<S>> {
    const text = streamWith(req, objectOutput(schema, opts));
    let settle!: { resolve: (r: ObjectResult<z.output<S>>) => void; reject: (e: AiError) => void };
    const final = new Promise<ObjectResult<z.output<S>>>((resolve, reject) => (settle = { resolve, reject }));
    final.catch(() => undefined); // the iterator reports the same error
    async function* partials(): AsyncGenerator<unknown> {
      let json = '';
      let last = '';
      try {
        for await (const chunk of text.chunks) {
          json += chunk.text;
          const { value } = await parsePartialJson(json);
          const seen = JSON.stringify(value ?? null);
          if (value !== undefined && value !== null && seen !== last) {
            last = seen;
            yield value;
          }
        }
        const done = await text.final;
        settle.resolve({ object: parseObject(schema, done.text, done.usage), usage: done.usage });
      } catch (e) {
        const err = e instanceof AiError ? e : mapError(e);
        settle.reject(err);
        throw err;
      } finally {
        settle.reject(new AiError({ kind: 'cancelled' }));
      }
    }
    /** The whole reply checked against the schema; a reply that does not fit is a schema_mismatch. */
    function parseObject(s: S, reply: string, usage: TokenUsage): z.output<S> {
      let value: unknown;
      try {
        value = JSON.parse(reply);
      } catch {
        throw new AiError({ kind: 'schema_mismatch', who: label }, { replyText: reply, usage });
      }
      const parsed = s.safeParse(value);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const reason = issue ? `${issue.path.join('.') || 'the object'}: ${issue.message}` : 'it did not match';
      throw new AiError({ kind: 'schema_mismatch', who: label, reason }, { replyText: reply, usage });
    }
    return { partials: partials(), final };
  }

  function streamWith(req: ChatRequest, extra: Partial<ReturnType<typeof objectOutput>>): ChatStream {
    let settle!: { resolve: (r: GenerateResult) => void; reject: (e: AiError) => void };
    const final = new Promise<GenerateResult>((resolve, reject) => (settle = { resolve, reject }));
    final.catch(() => undefined); // the iterator reports the same error; nobody must await final
    async function* chunks(): AsyncGenerator<TextDelta> {
      let text = '';
      let done = false;
      try {
        const missing = missingKey(config);
        if (missing) throw missing;
        for (let attempt = 1; ; attempt++) {
          if (req.signal?.aborted) throw new AiError({ kind: 'cancelled' });
          const a = attemptSignal(req.signal, policy.timeoutMs);
          let yielded = false;
          try {
            const result = streamText({ ...common(req, a.signal), ...extra, onError: () => undefined });
            let finish: { reason: string | undefined; raw: string | undefined; usage: LanguageModelUsage } | undefined;
            for await (const part of result.fullStream) {
              a.rearm(policy.idleTimeoutMs);
              if (part.type === 'text-delta' && part.text) {
                text += part.text;
                yielded = true;
                yield { type: 'text', text: part.text };
              } else if (part.type === 'error') {
                throw part.error;
              } else if (part.type === 'abort') {
                throw a.signal.reason ?? new DOMException('aborted', 'AbortError');
              } else if (part.type === 'finish') {
                finish = { reason: part.finishReason, raw: part.rawFinishReason, usage: part.totalUsage };
              }
            }
            // A stream that ends without the provider's finish reason was cut off.
            if (!finish || finish.raw === undefined) throw new AiError({ kind: 'bad_response', who: label, truncated: true });
            done = true;
            settle.resolve({ text, usage: toUsage(finish.usage), finishReason: toFinish(finish.reason) });
            return;
          } catch (e) {
            const err = a.signal.aborted || !(e instanceof AiError) ? mapError(e, a.context()) : e;
            // Retrying is only safe before any text reached the consumer.
            const retryable = !yielded && err.retryable && attempt <= policy.maxRetries && !req.signal?.aborted;
            if (!retryable) throw err;
            const delay = retryDelay(err, attempt, policy);
            if (delay === undefined) throw err;
            onRetry(err, delay, attempt);
            await sleep(delay, req.signal).catch(() => {
              throw new AiError({ kind: 'cancelled' });
            });
          } finally {
            a.dispose(!done);
          }
        }
      } catch (e) {
        const err = mapError(e);
        settle.reject(err);
        throw err;
      } finally {
        // The consumer stopped iterating early (return()): that is a cancel.
        if (!done) settle.reject(new AiError({ kind: 'cancelled' }));
      }
    }
    return { chunks: chunks(), final };
  }

  return { id, generate, stream, generateObject, streamObject };
}
