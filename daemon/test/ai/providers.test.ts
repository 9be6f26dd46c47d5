/**
 * The REAL provider code (AI SDK + our policy) against a local server speaking each provider's
 * wire protocol. Nothing is mocked between our code and the socket.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AiError } from '../../src/ai/errors';
import type { ChatModel } from '../../src/ai/provider';
import { createChatModel, type ProviderConfig } from '../../src/ai/sdk-model';
import type { AiProvider } from '../../src/db/schema';
import { anthropicWire, geminiWire, openaiWire, sse, startProtocolServer, type ProtocolServer, type Reply, type Received } from './protocol-server';

const KEY = 'sk-test-SECRET-0123456789';
const FAST = { timeoutMs: 2_000, idleTimeoutMs: 2_000, maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 };

interface Wire {
  provider: AiProvider;
  model: string;
  baseUrl: (server: string) => string;
  plainPath: string | RegExp;
  streamPath: string | RegExp;
  plain: (text: string) => Reply;
  stream: (parts: string[]) => string[];
  /** A stream that stops after `parts` without the provider's end. */
  truncated: (parts: string[]) => string[];
  error: (status: number, message: string) => unknown;
  /** The user's text as the provider received it. */
  userText: (r: Received) => string;
  systemText: (r: Received) => string | undefined;
  auth: (r: Received) => string | undefined;
  usage: { input: number; output: number };
}

const wires: Wire[] = [
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: (s) => `${s}/v1`,
    plainPath: 'POST /v1/chat/completions',
    streamPath: 'POST /v1/chat/completions',
    plain: (text) => ({ json: openaiWire.completion(text) }),
    stream: (parts) => openaiWire.stream(parts),
    truncated: (parts) => [openaiWire.chunk({ role: 'assistant', content: '' }), ...parts.map((p) => openaiWire.chunk({ content: p }))],
    error: (_s, message) => openaiWire.error(message),
    userText: (r) => r.body.messages.at(-1).content,
    systemText: (r) => r.body.messages.find((m: { role: string }) => m.role === 'system')?.content,
    auth: (r) => r.headers.authorization,
    usage: { input: 11, output: 7 },
  },
  {
    provider: 'openai_compatible',
    model: 'llama3.2',
    baseUrl: (s) => `${s}/v1`,
    plainPath: 'POST /v1/chat/completions',
    streamPath: 'POST /v1/chat/completions',
    plain: (text) => ({ json: openaiWire.completion(text) }),
    stream: (parts) => openaiWire.stream(parts),
    truncated: (parts) => [openaiWire.chunk({ role: 'assistant', content: '' }), ...parts.map((p) => openaiWire.chunk({ content: p }))],
    error: (_s, message) => openaiWire.error(message),
    userText: (r) => r.body.messages.at(-1).content,
    systemText: (r) => r.body.messages.find((m: { role: string }) => m.role === 'system')?.content,
    auth: (r) => r.headers.authorization,
    usage: { input: 11, output: 7 },
  },
  {
    provider: 'claude',
    model: 'claude-sonnet-4-5',
    baseUrl: (s) => `${s}/v1`,
    plainPath: 'POST /v1/messages',
    streamPath: 'POST /v1/messages',
    plain: (text) => ({ json: anthropicWire.message(text) }),
    stream: (parts) => anthropicWire.stream(parts),
    truncated: (parts) => [anthropicWire.streamStart(), anthropicWire.blockStart(), ...parts.map((p) => anthropicWire.delta(p))],
    error: (status, message) => anthropicWire.error(status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : 'api_error', message),
    userText: (r) => {
      const c = r.body.messages.at(-1).content;
      return typeof c === 'string' ? c : c.map((p: { text: string }) => p.text).join('');
    },
    systemText: (r) => (Array.isArray(r.body.system) ? r.body.system.map((p: { text: string }) => p.text).join('') : r.body.system),
    auth: (r) => r.headers['x-api-key'] as string | undefined,
    usage: { input: 13, output: 5 },
  },
  {
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    baseUrl: (s) => `${s}/v1beta`,
    plainPath: 'POST /v1beta/models/gemini-2.5-flash:generateContent',
    streamPath: /^POST \/v1beta\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/,
    plain: (text) => ({ json: geminiWire.response(text) }),
    stream: (parts) => geminiWire.stream(parts),
    truncated: (parts) => parts.map((p) => sse.data({ candidates: [{ content: { parts: [{ text: p }], role: 'model' }, index: 0 }] })),
    error: (status, message) => geminiWire.error(status, status === 401 ? 'UNAUTHENTICATED' : status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL', message),
    userText: (r) => r.body.contents.at(-1).parts.map((p: { text: string }) => p.text).join(''),
    systemText: (r) => r.body.systemInstruction?.parts.map((p: { text: string }) => p.text).join(''),
    auth: (r) => r.headers['x-goog-api-key'] as string | undefined,
    usage: { input: 9, output: 4 },
  },
];

async function expectAiError(p: Promise<unknown>, kind: AiError['kind']): Promise<AiError> {
  const e = await p.then(
    () => {
      throw new Error(`expected an AiError of kind ${kind}, but the call succeeded`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AiError);
  expect((e as AiError).kind, (e as AiError).message).toBe(kind);
  // One plain sentence: no stack, no key, no raw JSON.
  expect((e as AiError).message).not.toMatch(/\n|\bat \w+ \(|[{}]/);
  expect((e as AiError).message).not.toContain(KEY);
  return e as AiError;
}

async function collect(model: ChatModel, text: string, signal?: AbortSignal) {
  const s = model.stream({ messages: [{ role: 'user', content: text }], signal });
  const parts: string[] = [];
  for await (const c of s.chunks) parts.push(c.text);
  return { parts, final: await s.final };
}

describe.each(wires)('$provider over its wire protocol', (w) => {
  let server: ProtocolServer;
  let model: ChatModel;
  const retries: Array<{ kind: string; delayMs: number }> = [];
  const config = (): ProviderConfig => ({ provider: w.provider, model: w.model, apiKey: KEY, baseUrl: w.baseUrl(server.url) });

  beforeAll(async () => {
    server = await startProtocolServer();
    model = createChatModel(config(), { policy: FAST, onRetry: (r) => retries.push(r) });
  });
  afterEach(() => {
    retries.length = 0;
    server.verify();
  });
  afterAll(async () => server?.close());

  it('generates a plain reply with usage, sending the system prompt, the message and the key', async () => {
    server.script({
      expect: w.plainPath,
      check: (r) => {
        expect(w.userText(r)).toBe('こんにちは');
        expect(w.systemText(r)).toBe('You are terse.');
        expect(w.auth(r)).toContain(KEY);
        expect(JSON.stringify(r.body)).not.toContain('"stream":true');
      },
      reply: w.plain('はい、こんにちは。'),
    });
    const r = await model.generate({ system: 'You are terse.', messages: [{ role: 'user', content: 'こんにちは' }] });
    expect(r.text).toBe('はい、こんにちは。');
    expect(r.finishReason).toBe('stop');
    expect(r.usage).toEqual({ inputTokens: w.usage.input, outputTokens: w.usage.output, totalTokens: w.usage.input + w.usage.output });
  });

  it('streams a reply chunk by chunk and reports the final usage', async () => {
    server.script({ expect: w.streamPath, reply: { sse: w.stream(['Hel', 'lo ', 'world']) } });
    const { parts, final } = await collect(model, 'hi');
    expect(parts).toEqual(['Hel', 'lo ', 'world']);
    expect(final.text).toBe('Hello world');
    expect(final.usage.inputTokens).toBe(w.usage.input);
    expect(final.usage.outputTokens).toBe(w.usage.output);
  });

  it('returns a structured answer validated by the zod schema', async () => {
    const schema = z.object({ tags: z.array(z.string()), confidence: z.number().min(0).max(1) });
    server.script({ expect: w.plainPath, reply: w.plain(JSON.stringify({ tags: ['会議', 'plan'], confidence: 0.8 })) });
    const r = await model.generateObject({ messages: [{ role: 'user', content: 'tags?' }] }, schema);
    expect(r.object).toEqual({ tags: ['会議', 'plan'], confidence: 0.8 });
    expect(r.usage.totalTokens).toBe(w.usage.input + w.usage.output);
  });

  it('asks once more when the structured answer misses the schema, then fails with the reason', async () => {
    const schema = z.object({ confidence: z.number().max(1) });
    server.script(
      { expect: w.plainPath, reply: w.plain('{"confidence": 7}') },
      {
        expect: w.plainPath,
        check: (r) => expect(JSON.stringify(r.body)).toContain('did not match the required JSON schema'),
        reply: w.plain('not json at all'),
      },
    );
    const e = await expectAiError(model.generateObject({ messages: [{ role: 'user', content: 'rate it' }] }, schema), 'schema_mismatch');
    expect(e.message).toMatch(/expected structure/);
  });

  it('a structured answer that is right the second time succeeds', async () => {
    const schema = z.object({ ok: z.boolean() });
    server.script({ expect: w.plainPath, reply: w.plain('{"ok": "yes"}') }, { expect: w.plainPath, reply: w.plain('{"ok": true}') });
    expect((await model.generateObject({ messages: [{ role: 'user', content: 'ok?' }] }, schema)).object).toEqual({ ok: true });
  });

  it('streams a structured answer as growing partial objects, then validates the whole', async () => {
    const schema = z.object({ content: z.string(), confidence: z.number().int().min(1).max(10) });
    const json = JSON.stringify({ content: '二日出社でどうでしょう', confidence: 8 });
    server.script({ expect: w.streamPath, reply: { sse: w.stream([json.slice(0, 14), json.slice(14, 24), json.slice(24)]) } });
    const s = model.streamObject({ messages: [{ role: 'user', content: 'turn' }] }, schema);
    const seen: unknown[] = [];
    for await (const p of s.partials) seen.push(p);
    const final = await s.final;
    expect(final.object).toEqual({ content: '二日出社でどうでしょう', confidence: 8 });
    expect(final.usage.totalTokens).toBe(w.usage.input + w.usage.output);
    const texts = seen.map((p) => (p as { content?: string }).content).filter((c): c is string => typeof c === 'string');
    expect(texts.length).toBeGreaterThan(1);
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    expect(texts.at(-1)).toBe('二日出社でどうでしょう');
  });

  it('a streamed structured answer that misses the schema fails once (no second call), with the reply and its usage', async () => {
    const schema = z.object({ confidence: z.number().max(1) });
    server.script({ expect: w.streamPath, reply: { sse: w.stream(['{"confidence": 7}']) } });
    const s = model.streamObject({ messages: [{ role: 'user', content: 'rate it' }] }, schema);
    const iterate = (async () => {
      for await (const _ of s.partials) void _;
    })();
    const e = await expectAiError(iterate, 'schema_mismatch');
    expect(e.detail.replyText).toBe('{"confidence": 7}');
    expect(e.detail.usage?.totalTokens).toBe(w.usage.input + w.usage.output);
    await expectAiError(s.final, 'schema_mismatch');
  });

  it('401: a wrong key is reported in plain words and not retried', async () => {
    server.script({ expect: w.plainPath, reply: { status: 401, json: w.error(401, 'Incorrect API key provided') } });
    const e = await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'unauthorized');
    expect(e.message).toMatch(/refused the API key/);
    expect(retries).toEqual([]);
  });

  it('a provider that echoes the key in its error body: the key is in neither the message nor the detail', async () => {
    server.script({ expect: w.plainPath, reply: { status: 401, json: w.error(401, `Incorrect API key provided: ${KEY}`) } });
    const e = await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'unauthorized');
    expect(JSON.stringify({ message: e.message, detail: e.detail })).not.toContain(KEY);
    server.script({ expect: w.plainPath, reply: { status: 400, json: w.error(400, `Bad key format: ${KEY}`) } });
    const bad = await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'bad_request');
    expect(JSON.stringify({ message: bad.message, detail: bad.detail })).not.toContain(KEY);
  });

  it('429 then success: waits as Retry-After says, then answers', async () => {
    server.script(
      { expect: w.plainPath, reply: { status: 429, headers: { 'retry-after': '0' }, json: w.error(429, 'Rate limit reached') } },
      { expect: w.plainPath, reply: w.plain('after the wait') },
    );
    expect((await model.generate({ messages: [{ role: 'user', content: 'x' }] })).text).toBe('after the wait');
    expect(retries).toEqual([expect.objectContaining({ kind: 'rate_limited', delayMs: 0 })]);
  });

  it('429 with a Retry-After longer than we wait fails at once as rate limited', async () => {
    server.script({ expect: w.plainPath, reply: { status: 429, headers: { 'retry-after': '120' }, json: w.error(429, 'slow down') } });
    const e = await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'rate_limited');
    expect(e.message).toMatch(/rate limiting/);
    expect(retries).toEqual([]);
  });

  it('500 on every attempt: retried with backoff, then one clear sentence', async () => {
    const boom = { status: 500, json: w.error(500, 'internal') } as const;
    server.script({ expect: w.plainPath, reply: boom }, { expect: w.plainPath, reply: boom }, { expect: w.plainPath, reply: boom });
    const e = await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'provider_error');
    expect(e.message).toMatch(/internal error \(HTTP 500\)/);
    expect(retries.map((r) => r.kind)).toEqual(['provider_error', 'provider_error']);
  });

  it('a 500 before the first chunk of a stream is retried', async () => {
    server.script({ expect: w.streamPath, reply: { status: 503, json: w.error(503, 'overloaded') } }, { expect: w.streamPath, reply: { sse: w.stream(['ok']) } });
    expect((await collect(model, 'x')).final.text).toBe('ok');
  });

  it('malformed JSON in a plain reply is a bad response', async () => {
    server.script({ expect: w.plainPath, reply: { raw: '{"choices": [ this is not json' } });
    await expectAiError(model.generate({ messages: [{ role: 'user', content: 'x' }] }), 'bad_response');
  });

  it('malformed JSON inside a stream is a bad response, and the text so far was seen', async () => {
    const good = w.stream(['first ']);
    server.script({ expect: w.streamPath, reply: { sse: [...good.slice(0, w.provider === 'gemini' ? 0 : w.provider === 'claude' ? 3 : 2), sse.data('{"broken": '), ...good.slice(-1)] } });
    const s = model.stream({ messages: [{ role: 'user', content: 'x' }] });
    const seen: string[] = [];
    await expectAiError(
      (async () => {
        for await (const c of s.chunks) seen.push(c.text);
      })(),
      'bad_response',
    );
    await expectAiError(s.final, 'bad_response');
  });

  it('a truncated stream (no end event) is reported as cut off, not as a complete answer', async () => {
    server.script({ expect: w.streamPath, reply: { sse: w.truncated(['half of ', 'an answer']) } });
    const s = model.stream({ messages: [{ role: 'user', content: 'x' }] });
    const seen: string[] = [];
    const e = await expectAiError(
      (async () => {
        for await (const c of s.chunks) seen.push(c.text);
      })(),
      'bad_response',
    );
    expect(seen.join('')).toBe('half of an answer');
    expect(e.message).toMatch(/cut off/);
  });

  it('times out when the provider does not answer', async () => {
    const slow = createChatModel(config(), { policy: { ...FAST, timeoutMs: 150, maxRetries: 0 } });
    server.script({ expect: w.plainPath, reply: { ...(w.plain('too late') as object), delayMs: 1_000 } as Reply });
    const started = Date.now();
    const e = await expectAiError(slow.generate({ messages: [{ role: 'user', content: 'x' }] }), 'timeout');
    expect(Date.now() - started).toBeLessThan(900);
    expect(e.message).toMatch(/did not answer within/);
  });

  it('times out when a stream goes silent', async () => {
    const slow = createChatModel(config(), { policy: { ...FAST, idleTimeoutMs: 150, maxRetries: 0 } });
    server.script({ expect: w.streamPath, reply: { sse: w.truncated(['a']), end: 'hang' } });
    const s = slow.stream({ messages: [{ role: 'user', content: 'x' }] });
    await expectAiError(
      (async () => {
        for await (const _ of s.chunks) void _;
      })(),
      'timeout',
    );
  });

  it('stops when the caller aborts mid-stream', async () => {
    server.script({ expect: w.streamPath, reply: { sse: w.truncated(['one ', 'two ']), end: 'hang' } });
    const controller = new AbortController();
    const s = model.stream({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal });
    const seen: string[] = [];
    const e = await expectAiError(
      (async () => {
        for await (const c of s.chunks) {
          seen.push(c.text);
          if (seen.length === 2) controller.abort();
        }
      })(),
      'cancelled',
    );
    expect(seen).toEqual(['one ', 'two ']);
    expect(e.message).toBe('The request was cancelled.');
  });

  it('an unreachable server is reported as unreachable', async () => {
    const dead = createChatModel({ ...config(), baseUrl: 'http://127.0.0.1:9/v1' }, { policy: { ...FAST, maxRetries: 0 } });
    const e = await expectAiError(dead.generate({ messages: [{ role: 'user', content: 'x' }] }), 'unreachable');
    expect(e.message).toMatch(/Could not reach/);
  });
});

describe('provider quirks', () => {
  it("Gemini's 400 API_KEY_INVALID is a wrong key, and a 404 model is a bad request naming the problem", async () => {
    const server = await startProtocolServer();
    try {
      const gemini = createChatModel({ provider: 'gemini', model: 'gemini-2.5-flash', apiKey: KEY, baseUrl: `${server.url}/v1beta` }, { policy: FAST });
      server.script({
        expect: 'POST /v1beta/models/gemini-2.5-flash:generateContent',
        reply: { status: 400, json: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } } },
      });
      await expectAiError(gemini.generate({ messages: [{ role: 'user', content: 'x' }] }), 'unauthorized');
      const openai = createChatModel({ provider: 'openai', model: 'gpt-nope', apiKey: KEY, baseUrl: `${server.url}/v1` }, { policy: FAST });
      server.script({ expect: 'POST /v1/chat/completions', reply: { status: 404, json: openaiWire.error('The model `gpt-nope` does not exist or you do not have access to it.') } });
      const e = await expectAiError(openai.generate({ messages: [{ role: 'user', content: 'x' }] }), 'bad_request');
      expect(e.message).toBe('OpenAI (gpt-nope) rejected the request (HTTP 404): The model `gpt-nope` does not exist or you do not have access to it; check the model name and settings.');
      server.verify();
    } finally {
      await server.close();
    }
  });
});

describe('keys', () => {
  it('a cloud provider without a key says what to configure, without calling anything', async () => {
    const m = createChatModel({ provider: 'openai', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:9/v1' });
    await expectAiError(m.generate({ messages: [{ role: 'user', content: 'x' }] }), 'not_configured');
  });
  it('a local OpenAI-compatible server needs no key and gets no Authorization header', async () => {
    const server = await startProtocolServer();
    try {
      server.script({ expect: 'POST /v1/chat/completions', check: (r) => expect(r.headers.authorization).toBeUndefined(), reply: { json: openaiWire.completion('local') } });
      const m = createChatModel({ provider: 'openai_compatible', model: 'llama3.2', baseUrl: `${server.url}/v1` });
      expect((await m.generate({ messages: [{ role: 'user', content: 'x' }] })).text).toBe('local');
      server.verify();
    } finally {
      await server.close();
    }
  });
});
