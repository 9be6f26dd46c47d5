/**
 * The whole daemon (startDaemon) stopped in the middle of a streamed turn and started again on the
 * same data folder: the discussion continues from its last stored turn, through the real provider
 * code against the protocol server, watched over the daemon's own event stream.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startDaemon, type RunningDaemon } from '../../src/daemon';
import { openaiWire, startProtocolServer, type ProtocolServer } from '../ai/protocol-server';
import { parseSse, type SseEvent } from './harness';

const quiet = () => undefined;

describe('a discussion survives a daemon restart', () => {
  let home: string;
  let provider: ProtocolServer;
  let daemon: RunningDaemon | undefined;
  const config = () => loadConfig({ HISHO_HOME: home, HISHO_PORT: '0', HISHO_LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'hisho-discussion-restart-'));
    provider = await startProtocolServer();
  });
  afterAll(async () => {
    await daemon?.stop();
    await provider?.close();
    await rm(home, { recursive: true, force: true });
  });

  const turn = (content: string) => ({ message_type: 'contribution', content, reasoning: 'r', confidence: 5, references: [], reply_to: null, forms_consensus: false });
  const streamed = (object: unknown, end: 'normal' | 'hang' = 'normal') => {
    const json = JSON.stringify(object);
    const parts = [json.slice(0, 50), json.slice(50)];
    return { expect: 'POST /v1/chat/completions', reply: end === 'hang' ? { sse: [openaiWire.chunk({ role: 'assistant', content: '' }), openaiWire.chunk({ content: parts[0] })], end } : { sse: openaiWire.stream(parts) } };
  };

  /** Reads the discussion's event stream until `until` says stop (or the stream ends). */
  async function watch(url: string, headers: Record<string, string>, until: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
    const controller = new AbortController();
    const res = await fetch(url, { headers, signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const complete = text.slice(0, text.lastIndexOf('\n\n') + 2);
      if (until(parseSse(complete))) {
        controller.abort();
        return parseSse(complete);
      }
    }
    return parseSse(text);
  }

  it('continues after the last stored turn: the cut turn is redone once, nothing is lost', async () => {
    daemon = await startDaemon(config(), quiet);
    const token = (await readFile(join(home, 'token'), 'utf8')).trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const api = (d: RunningDaemon, path: string) => `${d.url}/api/v1${path}`;
    const post = async (d: RunningDaemon, path: string, body: unknown) => (await fetch(api(d, path), { method: 'POST', headers, body: JSON.stringify(body) })).json();
    const assistant = async (name: string) => (await post(daemon!, '/assistants', { name, provider: 'openai_compatible', model: 'llama3.2', settings: { baseUrl: `${provider.url}/v1` } })).id as number;
    const [m, a, b] = [await assistant('M'), await assistant('A'), await assistant('B')];

    provider.script(streamed(turn('Open.')), streamed(turn('A1 — cut off by the restart'), 'hang'));
    const d = await post(daemon, '/discussions', {
      title: 'Restart',
      topic: 'Restart',
      type: 'collaborative',
      participants: [
        { assistantId: m, role: 'moderator' },
        { assistantId: a, role: 'participant' },
        { assistantId: b, role: 'participant' },
      ],
      settings: { maxRounds: 1, consultVault: false, language: 'en' },
    });
    // Watch until A's turn is streaming.
    const before = await watch(api(daemon, `/discussions/${d.id}/events`), headers, (events) => {
      const turnOfA = events.find((e) => e.event === 'turn' && e.data.turn.kind === 'turn');
      return turnOfA !== undefined && events.some((e) => e.event === 'delta' && e.data.turnId === turnOfA.data.turn.turnId);
    });
    expect(before.filter((e) => e.event === 'message').map((e) => e.data.message.content)).toEqual(['Open.']);
    await daemon.stop();
    daemon = undefined;
    provider.verify();

    provider.script(streamed(turn('A1.')), streamed(turn('B1.')), streamed({ summary: 'Agreed.', open_points: [], progress: 1, reached: true }));
    daemon = await startDaemon(config(), quiet);
    const after = await watch(api(daemon, `/discussions/${d.id}/events`), headers, () => false);
    expect(after.at(-1)).toMatchObject({ event: 'discussion', data: { discussion: { status: 'completed', stopReason: 'consensus' } } });
    provider.verify();
    const messages = await (await fetch(api(daemon, `/discussions/${d.id}/messages`), { headers })).json();
    expect(messages.items.map((x: { content: string; kind: string }) => [x.kind, x.content])).toEqual([
      ['opening', 'Open.'],
      ['turn', 'A1.'],
      ['turn', 'B1.'],
      ['judgement', 'Agreed.'],
    ]);
    const state = await (await fetch(api(daemon, `/discussions/${d.id}/state`), { headers })).json();
    expect(state).toMatchObject({ status: 'completed', running: false });
  }, 120_000); // two daemon starts on an embedded database
});
