import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { last4, loadSecretKey, SecretError, secretBox } from '../../src/ai/secrets';
import { ScriptedModel } from './scripted-model';

const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(path.join(os.tmpdir(), 'hisho-secrets-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('secretBox (AES-256-GCM)', () => {
  const box = secretBox(randomBytes(32));
  const KEY = 'sk-proj-THE-REAL-KEY-abcd';

  it('round-trips, in the v1:<iv>:<tag>:<ciphertext> format, never containing the plaintext', () => {
    const stored = box.encrypt(KEY);
    expect(stored).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(Buffer.from(KEY).toString('base64url'));
    expect(box.decrypt(stored)).toBe(KEY);
  });
  it('uses a fresh IV each time', () => {
    const a = box.encrypt(KEY);
    const b = box.encrypt(KEY);
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
  });
  it('refuses a tampered value, another key, and unknown formats', () => {
    const stored = box.encrypt(KEY);
    const [v, iv, tag, data] = stored.split(':') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0]! ^= 1;
    expect(() => box.decrypt([v, iv, tag, flipped.toString('base64url')].join(':'))).toThrow(SecretError);
    expect(() => secretBox(randomBytes(32)).decrypt(stored)).toThrow(/cannot be decrypted/);
    expect(() => box.decrypt(`v2:${iv}:${tag}:${data}`)).toThrow(/known format/);
    expect(() => box.decrypt(KEY)).toThrow(SecretError);
  });
  it('needs a 32-byte key', () => {
    expect(() => secretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
  it('shows only the last four characters', () => {
    expect(last4(KEY)).toBe('…abcd');
    expect(last4('short')).toBe('…');
  });
});

describe('loadSecretKey', () => {
  it('creates the key file once (mode 0600) and reads the same key afterwards', async () => {
    const file = path.join(await tempDir(), 'home', 'secret.key');
    const first = await loadSecretKey(file);
    expect(first).toHaveLength(32);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await loadSecretKey(file)).equals(first)).toBe(true);
    // Two starts at once agree on one key.
    const other = path.join(await tempDir(), 'secret.key');
    const [a, b] = await Promise.all([loadSecretKey(other), loadSecretKey(other)]);
    expect(a.equals(b)).toBe(true);
    expect((await readFile(other, 'utf8')).trim()).toBe(a.toString('base64url'));
  });
  it('refuses a damaged key file instead of replacing it', async () => {
    const file = path.join(await tempDir(), 'secret.key');
    await writeFile(file, 'too short');
    await expect(loadSecretKey(file)).rejects.toThrow(/32-byte key/);
    expect(await readFile(file, 'utf8')).toBe('too short');
  });
});

describe('ScriptedModel fails closed', () => {
  it('throws on an unscripted call and verify() reports it even when the error was swallowed', async () => {
    const m = new ScriptedModel();
    await m.generate({ messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    expect(() => m.verify()).toThrow(/unscripted generate call/);
  });
  it('throws on a call of the wrong kind and on a failed check', async () => {
    const m = new ScriptedModel().script({ call: 'stream', reply: { chunks: ['x'] } });
    await expect(m.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/expected stream/);
    m.script({ call: 'generate', check: (r) => expect(r.system).toBe('right'), reply: { text: 'ok' } });
    await expect(m.generate({ system: 'wrong', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/check failed/);
    expect(() => m.verify()).toThrow(/ScriptedModel/);
  });
  it('reports scripted calls that never came', () => {
    const m = new ScriptedModel().script({ call: 'generate', reply: { text: 'never' } });
    expect(() => m.verify()).toThrow(/never made/);
  });
});
