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
});
