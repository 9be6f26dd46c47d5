/**
 * Every AI failure as a whole sentence in English and Japanese: `AiError.message` stays English (the
 * log), `aiErrorSentence(error, language)` words the same failure for the person.
 */
import { describe, expect, it } from 'vitest';
import { AI_ERROR_KINDS, AiError, aiErrorSentence, type AiErrorWords } from '../../src/ai/errors';

const OPENAI = 'OpenAI (gpt-4o-mini)';
const SERVER = { server: 'http://127.0.0.1:11434/v1', model: 'llama3.2' };

const cases: Array<{ words: AiErrorWords; en: string; ja: string }> = [
  {
    words: { kind: 'unreachable', who: OPENAI },
    en: 'Could not reach OpenAI (gpt-4o-mini); check that the server is running and the base URL is right.',
    ja: 'OpenAI (gpt-4o-mini) に接続できませんでした。サーバーが起動していて、ベース URL が正しいか確認してください。',
  },
  {
    words: { kind: 'unreachable', who: SERVER },
    en: 'Could not reach the model server at http://127.0.0.1:11434/v1 (llama3.2); check that the server is running and the base URL is right.',
    ja: 'http://127.0.0.1:11434/v1 のモデルサーバー (llama3.2) に接続できませんでした。サーバーが起動していて、ベース URL が正しいか確認してください。',
  },
  {
    // The server named at the start of a sentence is capitalised.
    words: { kind: 'rate_limited', who: SERVER },
    en: 'The model server at http://127.0.0.1:11434/v1 (llama3.2) is rate limiting requests; wait a moment and try again.',
    ja: 'http://127.0.0.1:11434/v1 のモデルサーバー (llama3.2) へのリクエストが多すぎて制限されています。少し待ってからもう一度お試しください。',
  },
  {
    words: { kind: 'timeout', who: OPENAI, ms: 30_400 },
    en: 'OpenAI (gpt-4o-mini) did not answer within 30 seconds; try again, or raise the timeout.',
    ja: 'OpenAI (gpt-4o-mini) から 30 秒以内に応答がありませんでした。もう一度試すか、タイムアウトを長くしてください。',
  },
  {
    words: { kind: 'timeout', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) did not answer in time; try again, or raise the timeout.',
    ja: 'OpenAI (gpt-4o-mini) から時間内に応答がありませんでした。もう一度試すか、タイムアウトを長くしてください。',
  },
  {
    words: { kind: 'unauthorized', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) refused the API key (wrong, expired or without access to this model); set the correct key for the assistant.',
    ja: 'OpenAI (gpt-4o-mini) に API キーを拒否されました（キーの誤り、期限切れ、またはこのモデルを使う権限がありません）。アシスタントに正しいキーを設定してください。',
  },
  {
    words: { kind: 'rate_limited', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) is rate limiting requests; wait a moment and try again.',
    ja: 'OpenAI (gpt-4o-mini) へのリクエストが多すぎて制限されています。少し待ってからもう一度お試しください。',
  },
  {
    words: { kind: 'provider_error', who: OPENAI, status: 503 },
    en: 'OpenAI (gpt-4o-mini) had an internal error (HTTP 503); try again later.',
    ja: 'OpenAI (gpt-4o-mini) の側でエラーが起きました（HTTP 503）。しばらくしてからもう一度お試しください。',
  },
  {
    words: { kind: 'provider_error', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) had an internal error; try again later.',
    ja: 'OpenAI (gpt-4o-mini) の側でエラーが起きました。しばらくしてからもう一度お試しください。',
  },
  {
    words: { kind: 'bad_request', who: OPENAI, status: 404, hint: 'The model `gpt-5x` does not exist.' },
    en: 'OpenAI (gpt-4o-mini) rejected the request (HTTP 404): The model `gpt-5x` does not exist; check the model name and settings.',
    ja: 'OpenAI (gpt-4o-mini) にリクエストを受け付けてもらえませんでした（HTTP 404）：「The model `gpt-5x` does not exist」。モデル名と設定を確認してください。',
  },
  {
    words: { kind: 'bad_request', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) rejected the request; check the model name and settings.',
    ja: 'OpenAI (gpt-4o-mini) にリクエストを受け付けてもらえませんでした。モデル名と設定を確認してください。',
  },
  {
    words: { kind: 'bad_response', who: OPENAI },
    en: 'OpenAI (gpt-4o-mini) sent a reply that could not be read (malformed or cut off); try again.',
    ja: 'OpenAI (gpt-4o-mini) からの返答を読み取れませんでした（形式の誤りか、途中で切れています）。もう一度お試しください。',
  },
  {
    words: { kind: 'bad_response', who: OPENAI, truncated: true },
    en: "OpenAI (gpt-4o-mini)'s reply was cut off before it finished; try again.",
    ja: 'OpenAI (gpt-4o-mini) の返答が途中で切れました。もう一度お試しください。',
  },
  {
    words: { kind: 'schema_mismatch', who: OPENAI, reason: 'timeline: Required' },
    en: "OpenAI (gpt-4o-mini)'s answer did not have the expected structure (timeline: Required).",
    ja: 'OpenAI (gpt-4o-mini) の回答が決められた形式になっていませんでした（timeline: Required）。',
  },
  {
    words: { kind: 'schema_mismatch', who: OPENAI },
    en: "OpenAI (gpt-4o-mini)'s answer did not have the expected structure (the reply was not valid JSON).",
    ja: 'OpenAI (gpt-4o-mini) の回答が決められた形式になっていませんでした（返答が正しい JSON ではありません）。',
  },
  {
    words: { kind: 'cancelled' },
    en: 'The request was cancelled.',
    ja: 'リクエストは取り消されました。',
  },
  {
    words: { kind: 'not_configured', problem: 'key_missing', who: 'OpenAI' },
    en: 'OpenAI needs an API key; set one for this assistant.',
    ja: 'OpenAI には API キーが必要です。このアシスタントにキーを設定してください。',
  },
  {
    words: { kind: 'not_configured', problem: 'key_missing', who: 'Anthropic', name: '秘書' },
    en: 'Anthropic needs an API key; set one for the assistant "秘書".',
    ja: 'Anthropic には API キーが必要です。アシスタント「秘書」にキーを設定してください。',
  },
  {
    words: { kind: 'not_configured', problem: 'no_secret_key' },
    en: 'The daemon has no secret key to read stored API keys; restart it.',
    ja: '保存済みの API キーを読むための秘密鍵がデーモンにありません。デーモンを再起動してください。',
  },
  {
    words: { kind: 'not_configured', problem: 'key_unreadable', name: 'Writer' },
    en: 'The stored API key of "Writer" cannot be read (the secret key changed); enter the key again.',
    ja: '「Writer」の保存済み API キーを読み取れません（秘密鍵が変わりました）。キーをもう一度入力してください。',
  },
];

describe('AI failure sentences', () => {
  it.each(cases)('$words.kind: English message, English and Japanese sentences', ({ words, en, ja }) => {
    const error = new AiError(words);
    expect(error.kind).toBe(words.kind);
    expect(error.message).toBe(en);
    expect(aiErrorSentence(error, 'en')).toBe(en);
    expect(aiErrorSentence(error, 'ja')).toBe(ja);
  });

  it('covers every kind', () => {
    expect(new Set(cases.map((c) => c.words.kind))).toEqual(new Set(AI_ERROR_KINDS));
  });

  it('removes an echoed secret from the sentence in both languages, and from the detail', () => {
    const key = 'sk-test-0123456789';
    const error = new AiError({ kind: 'bad_request', who: OPENAI, status: 401, hint: `Incorrect API key provided: ${key}` }, { cause: `APICallError: ${key}`, replyText: key }).redact(key);
    for (const text of [error.message, aiErrorSentence(error, 'en'), aiErrorSentence(error, 'ja'), error.detail.cause, error.detail.replyText]) {
      expect(text).toContain('[redacted]');
      expect(text).not.toContain(key);
    }
  });
});
