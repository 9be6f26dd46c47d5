import { Notice } from 'obsidian';
import { MESSAGES, format } from '../../shared/i18n';
import { DaemonError } from './daemon/client';
import { describeReason } from './connection';
import type { I18n } from './i18n';

let translator: I18n | null = null;

/** Lets displayError word its Notice in the user's language; set once at load. */
export function setErrorLanguage(i18n: I18n | null): void {
  translator = i18n;
}

/** Every user-triggered failure ends here: a short Notice for the person, the detail in the console. */
export function displayError(e: unknown): void {
  const t = translator?.t ?? ((key, vars) => format(MESSAGES.en[key], vars));
  let message: string;
  if (e instanceof DaemonError) {
    message = e.reason.code === 'unauthorized' ? t('notice.unauthorized') : describeReason(e.reason, t);
  } else if (e instanceof Error && e.message) {
    message = e.message;
  } else {
    message = t('notice.error.unknown');
  }
  new Notice(t('notice.error', { message }));
  console.error('[Hisho]', e);
}
