/**
 * Text embeddings behind one interface, like ChatModel for chat: the AI SDK's `embedMany` with the
 * provider packages' embedding models (OpenAI `/v1/embeddings`, Gemini `batchEmbedContents`, any
 * OpenAI-compatible server's `/v1/embeddings`: Ollama, LM Studio). Anthropic offers no embedding
 * model, so an assistant of that provider cannot embed (`canEmbed`).
 *
 * The same policy as the chat models (retry.ts): the SDK's retries off, ours on 429, 5xx and
 * dropped connections with backoff and Retry-After, a timeout per attempt, every failure an AiError.
 */
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, type EmbeddingModel as SdkEmbeddingModel, type ProviderMetadata } from 'ai';
import type { AiProvider } from '../db/schema';
import { AiError } from './errors';
import { DEFAULT_CALL_POLICY, type CallPolicy } from './retry';
import { callProvider, DEFAULT_COMPATIBLE_BASE_URL, who, type ModelOptions, type ProviderConfig } from './sdk-model';

/** What a text is embedded as: some models (Gemini) embed a question and a document differently. */
export type EmbeddingPurpose = 'document' | 'query';

export interface EmbeddingRequest {
  texts: string[];
  purpose: EmbeddingPurpose;
  signal?: AbortSignal;
}

export interface EmbeddingResult {
  /** One vector per text, in order, all of `dimensions` numbers. */
  vectors: Float32Array[];
  /** Input tokens as the provider reported them (Gemini reports none: 0). */
  tokens: number;
}

export interface EmbeddingModel {
  /** "openai:text-embedding-3-small@512": stored with each vector, so a change of model is seen. */
  readonly id: string;
  embed(req: EmbeddingRequest): Promise<EmbeddingResult>;
}

export interface EmbeddingConfig extends ProviderConfig {
  /** Asks the provider for vectors this long (OpenAI text-embedding-3, Gemini); undefined: the model's own. */
  dimensions?: number;
}

/** Providers with embedding models. Anthropic has none (it points to a third party). */
export const EMBEDDING_PROVIDERS: readonly AiProvider[] = ['openai', 'gemini', 'openai_compatible'];

export function canEmbed(provider: AiProvider): boolean {
  return EMBEDDING_PROVIDERS.includes(provider);
}

/**
 * The model used when the settings name none, with the length asked for: 512 numbers keep
 * text-embedding-3-small's quality within a point or two of its 1,536 at a third of the memory;
 * gemini-embedding-001 is asked for 768 (of 3,072) for the same reason. A local server's model
 * must be typed (nothing is installed by default).
 */
export const DEFAULT_EMBEDDING_MODELS: Partial<Record<AiProvider, { model: string; dimensions: number }>> = {
  openai: { model: 'text-embedding-3-small', dimensions: 512 },
  gemini: { model: 'gemini-embedding-001', dimensions: 768 },
};

/** The configuration for an assistant's provider and an embedding model name (null: the provider's default). */
export function embeddingConfigOf(provider: ProviderConfig, model: string | null): EmbeddingConfig | undefined {
  const fallback = DEFAULT_EMBEDDING_MODELS[provider.provider];
  const name = model ?? fallback?.model;
  if (!name || !canEmbed(provider.provider)) return undefined;
  // The default length is asked only of the default model: another may not accept it.
  return { ...provider, model: name, dimensions: fallback && fallback.model === name ? fallback.dimensions : undefined };
}

export function embeddingModelId(config: EmbeddingConfig): string {
  return `${config.provider}:${config.model}${config.dimensions ? `@${config.dimensions}` : ''}`;
}

/**
 * Why a call was refused when the texts themselves are the cause, not the settings:
 * - `too_long`: the provider says the input is longer than the model takes (a 413, or a 400/422
 *   naming the context length or a token limit: OpenAI "maximum context length", Ollama "input
 *   length exceeds the context length", llama.cpp "exceeds the available context size", vLLM,
 *   Gemini "input token count … exceeds", text-embeddings-inference "less than 512 tokens").
 * - `unclear`: another 400/422 from a model known to work (it embedded before): the settings were
 *   right a moment ago, so the texts are the likely cause — unless the text names the model (not
 *   found, not loaded, not an embedding model), which is about the settings.
 * - undefined: everything else stays what it was — a wrong key (401), a wrong model name (400 or
 *   404 from a model never seen working), a rate limit, a 5xx, a timeout, a malformed answer.
 *   One 5xx is the exception: llama.cpp's server answers an input longer than its batch with a 500
 *   "input is too large to process" (a Japanese section of 1,600 characters passes its default
 *   512-token batch); retried as the server's trouble it would hold the vault's embedding forever.
 */
export type InputRefusal = 'too_long' | 'unclear';

const TOO_LONG = /context (?:length|size|window)|too many tokens|token limit|too (?:long|large)|input length|exceeds?\b[^.]{0,60}\b(?:tokens?|length|context|limit|size)\b|(?:less|fewer) than \d+ tokens|\bmax(?:imum)?\b[^.]{0,30}\btokens?\b/i;
const ABOUT_THE_MODEL = /\bmodels?\b[^.]{0,80}\b(?:not found|does ?n[o']t exist|not exist|unknown|invalid|not loaded|no such|not an? embedding|does ?n[o']t support)|\b(?:unknown|invalid|no such|no)\b[^.]{0,20}\bmodels?\b/i;

/** A 5xx that names the input as too big (llama.cpp), not the server's own trouble. */
const SERVER_TOO_LARGE = /input (?:is )?too (?:large|long)|too many tokens|exceeds? the (?:available )?context/i;

export function inputRefusal(e: AiError, modelWorks: boolean): InputRefusal | undefined {
  const w = e.words;
  if (w.kind === 'provider_error') return SERVER_TOO_LARGE.test(e.detail.cause ?? '') ? 'too_long' : undefined;
  if (w.kind !== 'bad_request') return undefined;
  if (w.status === 413) return 'too_long';
  if (w.status !== 400 && w.status !== 422) return undefined;
  const text = w.hint ?? '';
  if (TOO_LONG.test(text)) return 'too_long';
  return modelWorks && !ABOUT_THE_MODEL.test(text) ? 'unclear' : undefined;
}

function sdkModel(config: EmbeddingConfig): SdkEmbeddingModel {
  const { apiKey, baseUrl: baseURL, model } = config;
  switch (config.provider) {
    case 'openai':
      return createOpenAI({ apiKey, baseURL }).embedding(model);
    case 'gemini':
      return createGoogleGenerativeAI({ apiKey, baseURL }).embedding(model);
    case 'openai_compatible':
      return createOpenAICompatible({ name: 'openai_compatible', baseURL: baseURL ?? DEFAULT_COMPATIBLE_BASE_URL, apiKey: apiKey || undefined }).embeddingModel(model);
    case 'claude':
      throw new Error('Anthropic has no embedding models (check canEmbed first)');
  }
}

function providerOptions(config: EmbeddingConfig, purpose: EmbeddingPurpose): ProviderMetadata | undefined {
  switch (config.provider) {
    case 'openai':
      return config.dimensions ? { openai: { dimensions: config.dimensions } } : undefined;
    case 'gemini':
      return { google: { taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT', ...(config.dimensions ? { outputDimensionality: config.dimensions } : {}) } };
    default:
      return undefined;
  }
}

export function createEmbeddingModel(config: EmbeddingConfig, options: ModelOptions = {}): EmbeddingModel {
  const policy: CallPolicy = { ...DEFAULT_CALL_POLICY, ...options.policy };
  const label = who(config);
  const id = embeddingModelId(config);
  const model = sdkModel(config);

  async function embed(req: EmbeddingRequest): Promise<EmbeddingResult> {
    if (req.texts.length === 0) return { vectors: [], tokens: 0 };
    return callProvider(
      config,
      policy,
      req.signal,
      async (signal) => {
        const r = await embedMany({ model, values: req.texts, maxRetries: 0, maxParallelCalls: 1, abortSignal: signal, providerOptions: providerOptions(config, req.purpose) });
        const vectors = r.embeddings.map((e) => Float32Array.from(e));
        const length = vectors[0]?.length ?? 0;
        // A server that answers with fewer vectors, empty ones or of mixed lengths cannot be used.
        if (vectors.length !== req.texts.length || length === 0 || vectors.some((v) => v.length !== length || v.some((x) => !Number.isFinite(x)))) {
          throw new AiError({ kind: 'bad_response', who: label }, { cause: `${vectors.length} vectors of length ${length} for ${req.texts.length} texts` });
        }
        // Gemini reports no usage (the SDK then sums undefined to NaN).
        const tokens = r.usage?.tokens;
        return { vectors, tokens: typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : 0 };
      },
      (e, delayMs, attempt) => options.onRetry?.({ model: id, kind: e.kind, status: e.detail.status, delayMs, attempt }),
    );
  }

  return { id, embed };
}
