import { describeReason, isDatabaseUnavailable } from '../../connection';
import { DaemonError } from '../../daemon/client';
import type { Translate } from '../../i18n';

/**
 * One sentence for a failed search or look-up: the daemon's own words for a request it refused
 * (400: the query cannot be used), that its database is away (it answers, so "not connected" would
 * be wrong), the connection message when the daemon cannot be reached.
 */
export function errorSentence(e: unknown, t: Translate): string {
  if (e instanceof DaemonError) {
    const { reason } = e;
    if (reason.code === 'unauthorized') return t('connection.unauthorized');
    if (reason.code === 'http-error' && reason.status >= 400 && reason.status < 500) return reason.message;
    if (isDatabaseUnavailable(reason)) return describeReason(reason, t);
    return t('connection.unreachable', { reason: describeReason(reason, t) });
  }
  return t('notice.error.unknown');
}

/** One sentence for any failure: the daemon's as above, else the error's own message (Obsidian's, for a note it could not write). */
export function failureSentence(e: unknown, t: Translate): string {
  return !(e instanceof DaemonError) && e instanceof Error && e.message ? e.message : errorSentence(e, t);
}
