/**
 * A local HTTP server that speaks the providers' wire protocols from a script. Each test lists the
 * requests it expects, in order, and what to answer; any request beyond the script, or one that
 * does not match the next step, is answered with HTTP 599 and recorded in `unexpected`, so a test
 * cannot pass by accident (assert `server.verify()` at the end).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; json: unknown; delayMs?: number }
  | { status?: number; headers?: Record<string, string>; raw: string; delayMs?: number }
  /**
   * Server-Sent Events: each item is one event's text (already `data: …` / `event: …` lines).
   * `hold` stops after the first `after` events until `until` settles (a reply held mid-stream).
   */
  | { sse: string[]; chunkDelayMs?: number; delayMs?: number; end?: 'normal' | 'hang'; hold?: { after: number; until: Promise<void> } };

export interface Step {
  /** `POST /v1/chat/completions`; a RegExp matches `METHOD path?query`. */
  expect: string | RegExp;
  /** Throws (e.g. an expect()) when the request is not what the test wanted. */
  check?: (req: Received) => void;
  /** A function answers from the request (scripted vectors per text); it may throw like `check`. */
  reply: Reply | ((req: Received) => Reply);
}

export interface ProtocolServer {
  url: string;
  received: Received[];
  unexpected: string[];
  script(...steps: Step[]): void;
  /** Throws when a request was not scripted, did not match, or a scripted step was never used. */
  verify(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startProtocolServer(): Promise<ProtocolServer> {
  const steps: Step[] = [];
  const received: Received[] = [];
  const unexpected: string[] = [];
  const open = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const line = `${req.method} ${req.url}`;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    received.push(r);
    const step = steps.shift();
    const fail = (why: string) => {
      unexpected.push(`${line}: ${why}`);
      res.writeHead(599, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `unscripted: ${why}` } }));
    };
    if (!step) return fail('no step left in the script');
    const matches = typeof step.expect === 'string' ? line.split('?')[0] === step.expect : step.expect.test(line);
    if (!matches) return fail(`expected ${String(step.expect)}`);
    let reply: Reply;
    try {
      step.check?.(r);
      reply = typeof step.reply === 'function' ? step.reply(r) : step.reply;
    } catch (e) {
      return fail(`check failed: ${(e as Error).message}`);
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    if ('sse' in reply) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      for (const [i, event] of reply.sse.entries()) {
        if (reply.hold && i === reply.hold.after) await reply.hold.until;
        if (res.destroyed) return;
        res.write(event.endsWith('\n\n') ? event : `${event}\n\n`);
        if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      }
      if (reply.end === 'hang') return; // left open until the client gives up
      res.end();
      return;
    }
    const status = reply.status ?? 200;
    const payload = 'json' in reply ? JSON.stringify(reply.json) : reply.raw;
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers }).end(payload);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    unexpected,
    script: (...s) => {
      steps.push(...s);
    },
    verify() {
      const problems = [...unexpected];
      if (steps.length > 0) problems.push(`${steps.length} scripted step(s) never requested: ${steps.map((s) => String(s.expect)).join(', ')}`);
      steps.length = 0;
      unexpected.length = 0;
      received.length = 0;
      if (problems.length > 0) throw new Error(`protocol server: ${problems.join('; ')}`);
    },
    async close() {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Wire formats
// ---------------------------------------------------------------------------------------------

export const sse = {
  data: (value: unknown) => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  event: (name: string, value: unknown) => `event: ${name}\ndata: ${JSON.stringify(value)}`,
};

/** OpenAI Chat Completions (also every OpenAI-compatible server). */
export const openaiWire = {
  completion: (content: string, usage = { prompt_tokens: 11, completion_tokens: 7 }, finish = 'stop') => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  }),
  chunk: (delta: Record<string, unknown>, finish: string | null = null) =>
    sse.data({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }] }),
  usageChunk: (prompt: number, completion: number) =>
    sse.data({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'test-model', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }),
  /** A whole stream of `parts`, finished, with usage and [DONE]. */
  stream(parts: string[], usage = { prompt: 11, completion: 7 }): string[] {
    return [
      openaiWire.chunk({ role: 'assistant', content: '' }),
      ...parts.map((p) => openaiWire.chunk({ content: p })),
      openaiWire.chunk({}, 'stop'),
      openaiWire.usageChunk(usage.prompt, usage.completion),
      sse.data('[DONE]'),
    ];
  },
  error: (message: string, type = 'invalid_request_error') => ({ error: { message, type, param: null, code: null } }),
};

/** Anthropic Messages. */
export const anthropicWire = {
  message: (text: string, usage = { input_tokens: 13, output_tokens: 5 }) => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  }),
  streamStart: (input = 13) =>
    sse.event('message_start', {
      type: 'message_start',
      message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } },
    }),
  blockStart: () => sse.event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  delta: (text: string) => sse.event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
  stream(parts: string[], usage = { input: 13, output: 5 }): string[] {
    return [
      anthropicWire.streamStart(usage.input),
      anthropicWire.blockStart(),
      ...parts.map((p) => anthropicWire.delta(p)),
      sse.event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse.event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } }),
      sse.event('message_stop', { type: 'message_stop' }),
    ];
  },
  error: (type: string, message: string) => ({ type: 'error', error: { type, message } }),
};

/** Google Gemini generateContent / streamGenerateContent?alt=sse. */
export const geminiWire = {
  response: (text: string, usage = { prompt: 9, candidates: 4 }, finish: string | undefined = 'STOP') => ({
    candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
    usageMetadata: { promptTokenCount: usage.prompt, candidatesTokenCount: usage.candidates, totalTokenCount: usage.prompt + usage.candidates },
    modelVersion: 'gemini-2.5-flash',
  }),
  stream(parts: string[], usage = { prompt: 9, candidates: 4 }): string[] {
    return parts.map((p, i) =>
      sse.data(i === parts.length - 1 ? geminiWire.response(p, usage) : { candidates: [{ content: { parts: [{ text: p }], role: 'model' }, index: 0 }] }),
    );
  },
  error: (code: number, status: string, message: string) => ({ error: { code, message, status } }),
};

/** Embeddings: OpenAI `/v1/embeddings` (also every OpenAI-compatible server) and Gemini's embed calls. */
export const embeddingWire = {
  openai: (vectors: number[][], promptTokens = 8) => ({
    object: 'list',
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: 'test-embedding',
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }),
  /** `models/{model}:batchEmbedContents` (more than one text). */
  geminiBatch: (vectors: number[][]) => ({ embeddings: vectors.map((values) => ({ values })) }),
  /** `models/{model}:embedContent` (one text). */
  geminiOne: (vector: number[]) => ({ embedding: { values: vector } }),
};
