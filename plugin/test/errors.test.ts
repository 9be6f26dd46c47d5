import { Notice } from 'obsidian';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DaemonError } from '../src/daemon/client';
import { displayError, setErrorLanguage } from '../src/errors';
import { I18n } from '../src/i18n';

describe('displayError', () => {
  afterEach(() => {
    setErrorLanguage(null);
    vi.restoreAllMocks();
  });

  it('shows a short Notice and logs the detail with the [Hisho] prefix', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const e = new Error('Boom');
    displayError(e);
    expect((Notice as unknown as { shown: string[] }).shown.at(-1)).toBe('Hisho: Boom');
    expect(log).toHaveBeenCalledWith('[Hisho]', e);
  });

  it('words daemon errors in the user language', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const i18n = new I18n(() => 'ja');
    i18n.apply('auto');
    setErrorLanguage(i18n);
    displayError(new DaemonError({ code: 'refused', url: 'http://127.0.0.1:1' }));
    expect((Notice as unknown as { shown: string[] }).shown.at(-1)).toContain('応答がありません');
    displayError('not an error');
    expect((Notice as unknown as { shown: string[] }).shown.at(-1)).toContain('問題が発生しました');
  });

  it('says that the database is away, in the user language, when the daemon answers 503 database_unavailable', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const i18n = new I18n(() => 'ja');
    i18n.apply('auto');
    setErrorLanguage(i18n);
    const message = 'The daemon cannot reach its database right now and keeps retrying; try again in a few seconds';
    displayError(new DaemonError({ code: 'http-error', url: 'http://127.0.0.1:1', status: 503, message, errorCode: 'database_unavailable' }));
    expect((Notice as unknown as { shown: string[] }).shown.at(-1)).toBe('Hisho: Hisho のデータベースに接続できません。自動的に再試行します。');
    setErrorLanguage(null);
    displayError(new DaemonError({ code: 'http-error', url: 'http://127.0.0.1:1', status: 503, message, errorCode: 'database_unavailable' }));
    expect((Notice as unknown as { shown: string[] }).shown.at(-1)).toBe("Hisho: Hisho's database is not reachable; it will retry.");
  });
});
