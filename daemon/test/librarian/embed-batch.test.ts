/**
 * One batch against a model that refuses some texts: the real embedding client talking to the
 * protocol server, which answers each call from the texts it receives (a refusal when one is
 * refused) and fails on any call beyond the script, so the number of calls is checked too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingModel } from '../../src/ai/embedding';
import { AiError } from '../../src/ai/errors';
import { embedBatch, shortened, type ModelRecord } from '../../src/librarian/embed-batch';
import { embeddingWire, openaiWire, startProtocolServer, type ProtocolServer, type Received, type Reply, type Step } from '../ai/protocol-server';

const POLICY = { timeoutMs: 10_000, maxRetries: 0, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 };

describe('a batch the model partly refuses', () => {
  let server: ProtocolServer;
  const seen: string[][] = [];
  const model = () => createEmbeddingModel({ provider: 'openai_compatible', model: 'bge-m3', baseUrl: `${server.url}/v1` }, { policy: POLICY });
  let tokens = 0;
  const embed = (texts: string[], works: boolean) => {
    const record: ModelRecord = { works };
    return embedBatch(model(), texts, { signal: new AbortController().signal, model: record, onTokens: (n) => (tokens += n) }).then((r) => ({ ...r, works: record.works }));
  };
  /** `n` calls of a server that refuses, with `refusal`, any call holding a text `refuses` says no to. */
  const calls = (n: number, refuses: (text: string) => boolean, refusal: Reply): Step[] =>
    Array.from({ length: n }, () => ({
      expect: 'POST /v1/embeddings',
      reply: (r: Received): Reply => {
        const input: string[] = r.body.input;
        seen.push(input);
        return input.some(refuses) ? refusal : { json: embeddingWire.openai(input.map((t) => [t.length, 1])) };
      },
    }));
  const unclear: Reply = { status: 400, json: openaiWire.error('Invalid request') };
  const tooLong: Reply = { status: 400, json: openaiWire.error("This model's maximum context length is 512 tokens, however you requested 700 tokens. Please reduce your prompt.") };

  beforeAll(async () => {
    server = await startProtocolServer();
  });
  afterEach(() => {
    seen.length = 0;
    tokens = 0;
    server.verify();
  });
  afterAll(async () => server?.close());

  it('an unclear 400 from a model known to work is halved down to the text; it is tried at a half and a quarter, then skipped', async () => {
    server.script(...calls(7, (t) => t.startsWith('#'), unclear));
    const r = await embed(['alpha', 'beta', '#refused#', 'delta'], true);
    expect(seen).toEqual([['alpha', 'beta', '#refused#', 'delta'], ['alpha', 'beta'], ['#refused#', 'delta'], ['#refused#'], ['#refu'], ['#re'], ['delta']]);
    expect(r.vectors.map((v) => v && [...v])).toEqual([[5, 1], [4, 1], undefined, [5, 1]]);
    expect(r.refusals.map((e) => e?.kind)).toEqual([undefined, undefined, 'bad_request', undefined]);
    expect(r.shortenedTo).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('the same 400 from a model never seen working stops at once (a wrong model name says no more than that)', async () => {
    server.script(...calls(1, (t) => t.startsWith('#'), unclear));
    const e = await embed(['alpha', '#refused#'], false).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AiError);
    expect((e as AiError).kind).toBe('bad_request');
    expect(seen).toHaveLength(1);
  });

  it('a text the model takes shortened keeps the vector of its first half; "too long" is believed from a model never seen working once another text went through', async () => {
    const long = 'x'.repeat(300);
    server.script(...calls(4, (t) => t.length > 200, tooLong));
    const r = await embed(['short', long], false);
    expect(seen.map((list) => list.map((t) => t.length))).toEqual([[5, 300], [5], [300], [150]]);
    expect(r.vectors.map((v) => v?.[0])).toEqual([5, 150]);
    expect(r.shortenedTo).toEqual([undefined, 150]);
    expect(r.works).toBe(true);
    expect(tokens).toBe(16); // the two calls that went through, 8 tokens each
  });

  it('a 413 without a word is about the input too', async () => {
    server.script(...calls(3, (t) => t.length > 200, { status: 413, raw: '<html>Request Entity Too Large</html>' }));
    const r = await embed(['y'.repeat(1_000)], true);
    expect(seen.map((list) => list.map((t) => t.length))).toEqual([[1_000], [500], [250]]);
    expect(r.vectors).toEqual([undefined]);
    expect(r.refusals[0]?.detail.status).toBe(413);
  });

  it('llama.cpp’s 500 "input is too large to process" is about the input: the section is embedded shortened', async () => {
    const llamaCpp: Reply = { status: 500, json: { error: { code: 500, message: 'input is too large to process. increase the physical batch size', type: 'server_error' } } };
    server.script(...calls(4, (t) => t.length > 200, llamaCpp));
    const r = await embed(['short', 'z'.repeat(400)], true);
    expect(seen.map((list) => list.map((t) => t.length))).toEqual([[5, 400], [5], [400], [200]]);
    expect(r.vectors.map((v) => v?.[0])).toEqual([5, 200]);
    expect(r.shortenedTo).toEqual([undefined, 200]);
  });

  it('a lone text refused even at a quarter by a model never seen working is not skipped: its error stops the run', async () => {
    server.script(...calls(3, (t) => t.length > 200, tooLong));
    const e = await embed(['z'.repeat(1_000)], false).catch((x: unknown) => x);
    expect((e as AiError).kind).toBe('bad_request');
    expect((e as AiError).message).toMatch(/maximum context length/);
  });

  it('a model refusing everything is the settings’ problem: the second text refused with nothing embedded throws, the batch is not taken apart', async () => {
    server.script(...calls(8, () => true, unclear));
    const e = await embed(['a1', 'b2', 'c3', 'd4'], true).catch((x: unknown) => x);
    expect((e as AiError).kind).toBe('bad_request');
    expect(seen).toEqual([['a1', 'b2', 'c3', 'd4'], ['a1', 'b2'], ['a1'], ['a'], ['a'], ['b2'], ['b'], ['b']]);
  });

  it('a wrong key or a server error while halving leaves as it came', async () => {
    server.script(...calls(1, (t) => t.startsWith('#'), unclear), { expect: 'POST /v1/embeddings', reply: { status: 401, json: openaiWire.error('Incorrect API key provided') } });
    const e = await embed(['alpha', '#refused#'], true).catch((x: unknown) => x);
    expect((e as AiError).kind).toBe('unauthorized');
    server.verify();
    server.script(...calls(1, (t) => t.startsWith('#'), tooLong), { expect: 'POST /v1/embeddings', reply: { status: 503, json: openaiWire.error('overloaded') } });
    expect(((await embed(['alpha', '#refused#'], false).catch((x: unknown) => x)) as AiError).kind).toBe('provider_error');
  });

  it('cuts whole characters: an emoji or a Japanese character is never split', () => {
    expect(shortened('🎌🎌🎌🎌', 2)).toBe('🎌🎌');
    expect(shortened('議事録の本文', 4)).toBe('議事');
    expect(shortened('ab cd', 2)).toBe('ab');
  });
});
