import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, migrateSettings, parseSettings, SETTINGS_VERSION } from '../src/settings';

const snapshot = structuredClone({ ...DEFAULT_SETTINGS });

describe('settings', () => {
  it('gives defaults for nothing saved yet', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
  });

  it.each([42, 'hello', [], [1, 2], true, { version: 'x' }, { version: 99, language: 'fr' }])(
    'turns garbage (%j) into defaults without throwing',
    (raw) => {
      expect(parseSettings(raw)).toEqual(DEFAULT_SETTINGS);
    },
  );

  it('keeps valid fields and replaces only the bad ones', () => {
    const parsed = parseSettings({ version: 1, daemonUrl: 'ftp://nope', token: '  abc  ', language: 'ja' });
    expect(parsed).toEqual({ version: SETTINGS_VERSION, daemonUrl: '', token: 'abc', language: 'ja' });
  });

  it('normalises the daemon URL', () => {
    expect(parseSettings({ version: 1, daemonUrl: ' http://127.0.0.1:48765/ ' }).daemonUrl).toBe('http://127.0.0.1:48765');
  });

  it('migrates unversioned data (url, lang) to version 1', () => {
    expect(migrateSettings({ url: 'http://localhost:1', lang: 'en' })).toEqual({
      version: 1,
      daemonUrl: 'http://localhost:1',
      language: 'en',
    });
    expect(parseSettings({ url: 'http://localhost:1', lang: 'en', token: 't' })).toEqual({
      version: 1,
      daemonUrl: 'http://localhost:1',
      token: 't',
      language: 'en',
    });
  });

  it('drops unknown fields, also from a newer version', () => {
    const parsed = parseSettings({ version: 7, token: 'x', futureThing: { a: 1 } });
    expect(parsed).toEqual({ ...DEFAULT_SETTINGS, token: 'x' });
    expect(parsed).not.toHaveProperty('futureThing');
  });

  it('never returns or mutates DEFAULT_SETTINGS', () => {
    const a = parseSettings(undefined);
    expect(a).not.toBe(DEFAULT_SETTINGS);
    a.token = 'changed';
    a.language = 'ja';
    parseSettings({ version: 1, token: 'y', language: 'en' });
    expect(DEFAULT_SETTINGS).toEqual(snapshot);
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
  });
});
