/**
 * The REAL embedding code (AI SDK embedMany + our policy) against the local server speaking each
 * provider's embedding protocol with scripted vectors.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canEmbed, createEmbeddingModel, embeddingConfigOf, embeddingModelId, inputRefusal, type EmbeddingConfig } from '../../src/ai/embedding';
import { AiError, aiErrorSentence } from '../../src/ai/errors';
import type { AiProvider } from '../../src/db/schema';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply } from './protocol-server';

const KEY = 'sk-test-SECRET-embed-42';
const FAST = { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 };

interface Wire {
  provider: AiProvider;
  model: string;
  dimensions?: number;
  baseUrl: (server: string) => string;
  /** The request line for `n` texts. */
  path: (n: number) => string;
  reply: (vectors: number[][]) => Reply;
  texts: (r: Received) => string[];
  auth: (r: Received) => string | undefined;
  tokens: number;
}

const wires: Wire[] = [
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    dimensions: 512,
    baseUrl: (s) => `${s}/v1`,
    path: () => 'POST /v1/embeddings',
    reply: (v) => ({ json: embeddingWire.openai(v, 8) }),
    texts: (r) => r.body.input,
    auth: (r) => r.headers.authorization,
    tokens: 8,
  },
  {
    provider: 'openai_compatible',
    model: 'bge-m3',
    baseUrl: (s) => `${s}/v1`,
    path: () => 'POST /v1/embeddings',
    reply: (v) => ({ json: embeddingWire.openai(v, 8) }),
    texts: (r) => r.body.input,
    auth: (r) => r.headers.authorization,
    tokens: 8,
  },
  {
    provider: 'gemini',
    model: 'gemini-embedding-001',
    dimensions: 768,
    baseUrl: (s) => `${s}/v1beta`,
    path: (n) => `POST /v1beta/models/gemini-embedding-001:${n === 1 ? 'embedContent' : 'batchEmbedContents'}`,
    reply: (v) => ({ json: v.length === 1 ? embeddingWire.geminiOne(v[0]!) : embeddingWire.geminiBatch(v) }),
    texts: (r) => (r.body.requests ? r.body.requests.map((q: { content: { parts: Array<{ text: string }> } }) => q.content.parts[0]!.text) : [r.body.content.parts[0].text]),
    auth: (r) => r.headers['x-goog-api-key'] as string | undefined,
    tokens: 0,
  },
];

describe('which providers embed', () => {
  it('Anthropic has no embedding model; the others default sensibly (a local server needs a name)', () => {
    expect(canEmbed('claude')).toBe(false);
    expect(embeddingConfigOf({ provider: 'claude', model: 'claude-sonnet-4-5', apiKey: 'k' }, null)).toBeUndefined();
    expect(embeddingModelId(embeddingConfigOf({ provider: 'openai', model: 'gpt-4o-mini', apiKey: 'k' }, null)!)).toBe('openai:text-embedding-3-small@512');
    expect(embeddingModelId(embeddingConfigOf({ provider: 'gemini', model: 'gemini-2.5-flash', apiKey: 'k' }, null)!)).toBe('gemini:gemini-embedding-001@768');
    expect(embeddingConfigOf({ provider: 'openai_compatible', model: 'llama3.2' }, null)).toBeUndefined();
    expect(embeddingModelId(embeddingConfigOf({ provider: 'openai_compatible', model: 'llama3.2' }, 'bge-m3')!)).toBe('openai_compatible:bge-m3');
    // Another OpenAI model is not asked for the default model's length.
    expect(embeddingConfigOf({ provider: 'openai', model: 'x', apiKey: 'k' }, 'text-embedding-3-large')!.dimensions).toBeUndefined();
  });
});

describe.each(wires)('$provider embeddings over its wire protocol', (w) => {
  let server: ProtocolServer;
  const retries: Array<{ kind: string; delayMs: number }> = [];
  const config = (): EmbeddingConfig => ({ provider: w.provider, model: w.model, dimensions: w.dimensions, apiKey: KEY, baseUrl: w.baseUrl(server.url) });
  const model = () => createEmbeddingModel(config(), { policy: FAST, onRetry: (r) => retries.push(r) });

  beforeAll(async () => {
    server = await startProtocolServer();
  });
  afterEach(() => {
    retries.length = 0;
    server.verify();
  });
  afterAll(async () => server?.close());

  it('embeds several texts into Float32 vectors in order, with the key, the purpose and the length asked for', async () => {
    server.script({
      expect: w.path(2),
      check: (r) => {
        expect(w.texts(r)).toEqual(['ノートの脚注', 'hover preview']);
        expect(w.auth(r)).toContain(KEY);
        if (w.provider === 'openai') expect(r.body.dimensions).toBe(512);
        if (w.provider === 'gemini') expect(r.body.requests[0]).toMatchObject({ taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 768 });
      },
      reply: w.reply([
        [1, 0, 0.5],
        [0, 1, -0.25],
      ]),
    });
    const r = await model().embed({ texts: ['ノートの脚注', 'hover preview'], purpose: 'document' });
    expect(r.vectors.map((v) => [...v])).toEqual([
      [1, 0, 0.5],
      [0, 1, -0.25],
    ]);
    expect(r.vectors[0]).toBeInstanceOf(Float32Array);
    expect(r.tokens).toBe(w.tokens);
  });

  it('embeds one question as a query', async () => {
    server.script({
      expect: w.path(1),
      check: (r) => {
        if (w.provider === 'gemini') expect(r.body.taskType).toBe('RETRIEVAL_QUERY');
      },
      reply: w.reply([[0.5, 0.5, 0]]),
    });
    const r = await model().embed({ texts: ['注釈の付け方'], purpose: 'query' });
    expect([...r.vectors[0]!]).toEqual([0.5, 0.5, 0]);
  });

  it('retries a 429, then succeeds', async () => {
    server.script(
      { expect: w.path(2), reply: { status: 429, json: openaiWire.error('slow down', 'rate_limit_exceeded') } },
      { expect: w.path(2), reply: w.reply([[1], [2]]) },
    );
    const r = await model().embed({ texts: ['a', 'b'], purpose: 'document' });
    expect(r.vectors.map((v) => v[0])).toEqual([1, 2]);
    expect(retries.map((x) => x.kind)).toEqual(['rate_limited']);
  });

  it('a 401 is one sentence, without the key, not retried', async () => {
    server.script({ expect: w.path(2), reply: { status: 401, json: openaiWire.error(`bad key ${KEY}`) } });
    const e = (await model()
      .embed({ texts: ['a', 'b'], purpose: 'document' })
      .catch((x: unknown) => x)) as AiError;
    expect(e).toBeInstanceOf(AiError);
    expect(e.kind).toBe('unauthorized');
    expect(aiErrorSentence(e, 'en')).not.toContain(KEY);
    expect(aiErrorSentence(e, 'ja')).toMatch(/キー/);
    expect(retries).toEqual([]);
  });

  it('vectors of mixed lengths are a bad response', async () => {
    server.script({ expect: w.path(2), reply: w.reply([[1, 2], [3]]) });
    const e = (await model()
      .embed({ texts: ['a', 'b'], purpose: 'document' })
      .catch((x: unknown) => x)) as AiError;
    expect(e.kind).toBe('bad_response');
  });

  it('times out a silent server', async () => {
    server.script({ expect: w.path(1), reply: { ...(w.reply([[1]]) as object), delayMs: 500 } as Reply });
    const e = (await createEmbeddingModel(config(), { policy: { ...FAST, timeoutMs: 200 } })
      .embed({ texts: ['a'], purpose: 'query' })
      .catch((x: unknown) => x)) as AiError;
    expect(e.kind).toBe('timeout');
    await new Promise((r) => setTimeout(r, 400)); // the held reply is sent to a closed socket before verify
  });
});

describe('which refusals are about the texts (a local server over the OpenAI-compatible protocol)', () => {
  let server: ProtocolServer;
  const model = () => createEmbeddingModel({ provider: 'openai_compatible', model: 'bge-m3', baseUrl: `${server.url}/v1` }, { policy: { ...FAST, maxRetries: 0 } });
  /** The AiError the real client makes of the reply, and what inputRefusal says of it for a model never seen working and one known to work. */
  const refused = async (reply: Reply) => {
    server.script({ expect: 'POST /v1/embeddings', reply });
    const e = (await model()
      .embed({ texts: ['a', 'b'], purpose: 'document' })
      .catch((x: unknown) => x)) as AiError;
    expect(e).toBeInstanceOf(AiError);
    return { e, fresh: inputRefusal(e, false), known: inputRefusal(e, true) };
  };

  beforeAll(async () => {
    server = await startProtocolServer();
  });
  afterEach(() => server.verify());
  afterAll(async () => server?.close());

  it('a 400 or 422 saying the input is too long, and any 413, are about the texts, whoever sent them', async () => {
    const tooLong = [
      // OpenAI (and every server copying its wording)
      { status: 400, json: openaiWire.error("This model's maximum context length is 8192 tokens, however you requested 9000 tokens (9000 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.") },
      // Ollama
      { status: 400, json: openaiWire.error('the input length exceeds the context length', 'api_error') },
      // llama.cpp's server
      { status: 400, json: { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } } },
      // vLLM: the message at the top, not under `error`
      { status: 400, json: { object: 'error', message: "This model's maximum context length is 512 tokens. However, you requested 700 tokens in the input for embedding generation.", type: 'BadRequestError', code: 400 } },
      // OpenAI's limit per request (a batch too big, not a text)
      { status: 400, json: openaiWire.error('Requested 400000 tokens, max 300000 tokens per request') },
      // text-embeddings-inference: a 413 with the error as a string
      { status: 413, json: { error: 'Input validation error: `inputs` must have less than 512 tokens. Given: 700', error_type: 'Validation' } },
      // a proxy refusing the body, without a word
      { status: 413, raw: '<html>Request Entity Too Large</html>' },
      { status: 422, json: { detail: 'input too long' } },
      // llama.cpp's server, an input longer than its batch: a 500 that names the input
      { status: 500, json: { error: { code: 500, message: 'input is too large to process. increase the physical batch size', type: 'server_error' } } },
    ] as const;
    for (const reply of tooLong) expect(await refused(reply as Reply), JSON.stringify(reply)).toMatchObject({ fresh: 'too_long', known: 'too_long' });
  });

  it('the provider\'s words reach the sentence even when its body is not shaped like OpenAI\'s', async () => {
    const { e } = await refused({ status: 400, json: { object: 'error', message: "This model's maximum context length is 512 tokens.", type: 'BadRequestError', code: 400 } });
    expect(aiErrorSentence(e, 'en')).toContain('maximum context length is 512 tokens');
    const tei = await refused({ status: 413, json: { error: 'Input validation error: `inputs` must have less than 512 tokens. Given: 700', error_type: 'Validation' } });
    expect(aiErrorSentence(tei.e, 'en')).toContain('must have less than 512 tokens');
  });

  it('another 400 is about the texts only from a model known to work, and never when it names the model', async () => {
    expect(await refused({ status: 400, json: openaiWire.error('Invalid request') })).toMatchObject({ fresh: undefined, known: 'unclear' });
    expect(await refused({ status: 400, raw: 'Bad Request' })).toMatchObject({ fresh: undefined, known: 'unclear' });
    for (const words of ['model "bge-x" not found, try pulling it first', 'The model `bge-x` does not exist', 'No models loaded. Please load a model first.', 'this model does not support embeddings', 'Invalid model name']) {
      expect(await refused({ status: 400, json: openaiWire.error(words) }), words).toMatchObject({ fresh: undefined, known: undefined });
    }
  });

  it('a wrong key, a 404, a rate limit and a 5xx of the server\'s own are never about the texts', async () => {
    const replies: Reply[] = [
      { status: 401, json: openaiWire.error('Incorrect API key provided') },
      { status: 404, json: openaiWire.error('model "bge-x" not found, try pulling it first') },
      { status: 429, json: openaiWire.error('Too many tokens per minute', 'rate_limit_exceeded') },
      { status: 500, json: { error: { code: 500, message: 'CUDA error: out of memory', type: 'server_error' } } },
      { status: 503, json: { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } } },
    ];
    for (const reply of replies) expect(await refused(reply), JSON.stringify(reply)).toMatchObject({ fresh: undefined, known: undefined });
  });
});
