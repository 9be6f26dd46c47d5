import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ENDPOINTS, API_PREFIX } from '../../../shared/contracts';
import { errorBodySchema } from '../../../shared/contracts/common';
import { healthSchema } from '../../../shared/contracts/health';
import { MAX_BODY_BYTES } from '../../src/server/app';
import { createTestApp, TEST_PORT, type TestApp } from '../helpers/app';
import { testDatabaseTargets } from '../helpers/databases';

const api = (path: string) => `${API_PREFIX}${path}`;

function expectError(body: unknown, code: string) {
  const parsed = errorBodySchema.parse(body);
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message.length).toBeGreaterThan(10);
  expect(parsed.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  return parsed.error;
}

describe.each(testDatabaseTargets())('security and errors on $kind', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await target.open());
  });
  afterAll(async () => t?.dispose());

  describe('health', () => {
    it('answers without a token, with versions and component states', async () => {
      const { status, body } = await t.json('GET', api('/health'), { token: null });
      expect(status).toBe(200);
      const health = healthSchema.parse(body);
      expect(health).toMatchObject({ status: 'ok', version: '0.0.0-test', database: { kind: target.kind, state: 'ok' }, cache: { kind: 'memory', state: 'ok' } });
    });
  });

  describe('authentication', () => {
    it('refuses a request without a token', async () => {
      const { status, body, headers } = await t.json('GET', api('/roles'), { token: null });
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toContain('Bearer');
      expectError(body, 'unauthorized');
    });
    it('refuses a wrong token, and one that differs only in length', async () => {
      for (const token of ['wrong', 'test-token-0123456789abcdef0123456789abcdef0']) {
        const { status, body } = await t.json('GET', api('/roles'), { token });
        expect(status).toBe(401);
        expectError(body, 'unauthorized');
      }
    });
    it('refuses a non-bearer scheme', async () => {
      const { status } = await t.json('GET', api('/roles'), { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(status).toBe(401);
    });
    it('accepts the right token', async () => {
      const { status } = await t.json('GET', api('/roles'));
      expect(status).toBe(200);
    });
    it('protects the OpenAPI document too', async () => {
      expect((await t.request('GET', api('/openapi.json'), { token: null })).status).toBe(401);
    });
  });

  describe('DNS rebinding and CORS', () => {
    it.each(['evil.example:48999', `127.0.0.1:${TEST_PORT + 1}`, 'localhost', '', '127.0.0.1.nip.io:48999'])('refuses Host "%s" even with the right token', async (host) => {
      const { status, body } = await t.json('GET', api('/roles'), { headers: { host } });
      expect(status).toBe(403);
      expectError(body, 'forbidden_host');
    });
    it('refuses the health route from a foreign Host as well', async () => {
      expect((await t.request('GET', api('/health'), { token: null, headers: { host: 'attacker.test' } })).status).toBe(403);
    });
    it('accepts localhost with the right port', async () => {
      expect((await t.request('GET', api('/roles'), { headers: { host: `localhost:${TEST_PORT}` } })).status).toBe(200);
    });
    it('refuses a foreign Origin', async () => {
      const { status, body, headers } = await t.json('GET', api('/roles'), { headers: { origin: 'https://evil.example' } });
      expect(status).toBe(403);
      expect(headers.get('access-control-allow-origin')).toBeNull();
      expectError(body, 'forbidden_origin');
    });
    it("allows Obsidian's origin and answers its preflight without a token", async () => {
      const ok = await t.request('GET', api('/roles'), { headers: { origin: 'app://obsidian.md' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe('app://obsidian.md');
      const pre = await t.request('OPTIONS', api('/roles'), { token: null, headers: { origin: 'app://obsidian.md', 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(pre.headers.get('access-control-allow-methods')).toContain('PATCH');
    });
    it('keeps CORS headers on errors so Obsidian can read the message', async () => {
      const res = await t.request('GET', api('/roles/999999'), { headers: { origin: 'app://obsidian.md' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe('app://obsidian.md');
    });
  });

  describe('bad input gets a 4xx that says what to fix', () => {
    it('malformed JSON', async () => {
      const { status, body } = await t.json('POST', api('/roles'), { rawBody: '{"name": "x",' });
      expect(status).toBe(400);
      expect(expectError(body, 'invalid_json').message).toMatch(/not valid JSON/);
    });
    it('an empty body', async () => {
      const { status, body } = await t.json('POST', api('/roles'), { rawBody: '' , headers: { 'content-type': 'application/json' } });
      expect(status).toBe(400);
      expectError(body, 'invalid_json');
    });
    it('a body that is not JSON', async () => {
      const { status, body } = await t.json('POST', api('/roles'), { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(status).toBe(415);
      expectError(body, 'unsupported_media_type');
    });
    it('wrong types name the field', async () => {
      const { status, body } = await t.json('POST', api('/teams'), { body: { name: 42, maxMembers: 'ten' } });
      expect(status).toBe(400);
      const error = expectError(body, 'validation_failed');
      expect(error.message).toContain('name');
      expect(error.message).toContain('maxMembers');
      expect((error.details as { issues: { path: string[] }[] }).issues.map((i) => i.path[0])).toEqual(expect.arrayContaining(['name', 'maxMembers']));
    });
    it('a JSON array or null instead of an object', async () => {
      for (const rawBody of ['[]', 'null', '"text"']) {
        const { status } = await t.json('POST', api('/roles'), { rawBody });
        expect(status).toBe(400);
      }
    });
    it('unknown enum values', async () => {
      const { status, body } = await t.json('POST', api('/personas'), { body: { name: 'P', personality: 'calm', iconType: 'hologram' } });
      expect(status).toBe(400);
      expect(expectError(body, 'validation_failed').message).toContain('iconType');
    });
    it('unknown fields', async () => {
      const { status, body } = await t.json('POST', api('/roles'), { body: { name: 'r', category: 'c', isSystem: true } });
      expect(status).toBe(400);
      expect(expectError(body, 'validation_failed').message).toContain('isSystem');
    });
    it('an oversized body', async () => {
      const big = 'x'.repeat(MAX_BODY_BYTES + 10);
      const { status, body } = await t.json('POST', api('/roles'), { body: { name: 'r', category: 'c', description: big } });
      expect(status).toBe(413);
      expectError(body, 'payload_too_large');
    });
    it('ids that are not numbers, or out of range', async () => {
      for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999']) {
        const { status, body } = await t.json('GET', api(`/roles/${id}`));
        expect(status, id).toBe(400);
        expectError(body, 'validation_failed');
      }
    });
    it('unknown ids are 404', async () => {
      for (const path of ['/roles/999999', '/personas/999999', '/teams/999999', '/teams/999999/members']) {
        const { status, body } = await t.json('GET', api(path));
        expect(status, path).toBe(404);
        expectError(body, 'not_found');
      }
    });
    it('unknown routes are 404 in the same shape', async () => {
      const { status, body } = await t.json('GET', api('/nothing-here'));
      expect(status).toBe(404);
      expectError(body, 'not_found');
    });
    it('bad query parameters', async () => {
      const { status, body } = await t.json('GET', api('/roles?limit=0'));
      expect(status).toBe(400);
      expect(expectError(body, 'validation_failed').message).toContain('limit');
    });
    it('the request id in the body matches the X-Request-Id header', async () => {
      const res = await t.request('GET', api('/roles/999999'));
      const body = errorBodySchema.parse(await res.json());
      expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
    });
  });

  describe('OpenAPI', () => {
    it('documents exactly the routes the daemon serves', async () => {
      const { status, body } = await t.json('GET', api('/openapi.json'));
      expect(status).toBe(200);
      expect(body.openapi).toMatch(/^3\./);
      const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${API_PREFIX}${path.replace(/\{(\w+)\}/g, ':$1')}`))
        .sort();
      const served = [...new Set(t.routes().map((r) => `${r.method} ${r.path}`))].sort();
      expect(served).toEqual(documented);
      const count = Object.values(API_ENDPOINTS).reduce((n, g) => n + Object.keys(g).length, 0);
      expect(documented).toHaveLength(count);
    });
    it('describes request bodies with their constraints', async () => {
      const { body } = await t.json('GET', api('/openapi.json'));
      const schema = body.paths['/teams'].post.requestBody.content['application/json'].schema;
      expect(schema.required).toContain('name');
      expect(schema.properties.maxMembers.minimum).toBe(1);
      expect(body.paths['/health'].get.security).toEqual([]);
    });
  });
});
