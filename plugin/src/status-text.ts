import type { IndexProgress } from '../../shared/contracts/vaults';
import type { DisplayStatus } from './connection';
import { describeDegraded, describeReason } from './connection';
import type { Translate } from './i18n';
import { indexCounts } from './views/librarian/index-watch';

/** The words for a status: a short label, a longer sentence, and a CSS modifier. */
export interface StatusText {
  label: string;
  detail: string;
  kind: 'checking' | 'connected' | 'degraded' | 'unreachable' | 'unauthorized' | 'indexing';
}

export function statusText(status: DisplayStatus, t: Translate): StatusText {
  switch (status.state) {
    case 'checking':
      return { kind: 'checking', label: t('status.checking'), detail: t('connection.checking') };
    case 'connected':
      if (status.degraded) {
        const parts = describeDegraded(status.degraded, t);
        return {
          kind: 'degraded',
          label: `${t('status.degraded')} · ${status.version}`,
          detail: t('connection.degraded', { version: status.version, parts }),
        };
      }
      return {
        kind: 'connected',
        label: `${t('status.connected')} · ${status.version}`,
        detail: t('connection.connected', { version: status.version }),
      };
    case 'unreachable':
      return {
        kind: 'unreachable',
        label: t('status.unreachable'),
        detail: t('connection.unreachable', { reason: describeReason(status.reason, t) }),
      };
    case 'unauthorized':
      return { kind: 'unauthorized', label: t('status.unauthorized'), detail: t('connection.unauthorized') };
  }
}

/** `startable`: the daemon is down and this computer can start it (a click does). */
export function statusTooltip(status: DisplayStatus, t: Translate, startable = false): string {
  switch (status.state) {
    case 'checking':
      return t('status.tooltip.checking');
    case 'connected':
      return status.degraded
        ? t('status.tooltip.degraded', { version: status.version, parts: describeDegraded(status.degraded, t) })
        : t('status.tooltip.connected', { version: status.version, url: status.url });
    case 'unreachable':
      return t(startable ? 'status.tooltip.startable' : 'status.tooltip.unreachable', { reason: describeReason(status.reason, t) });
    case 'unauthorized':
      return t('status.tooltip.unauthorized');
  }
}

/** The words for the vault's index run in progress, counts written the way `language` writes numbers (1,234). */
export function indexStatusText(progress: IndexProgress, t: Translate, language: string): StatusText {
  const { done, total, counting } = indexCounts(progress);
  if (counting) return { kind: 'indexing', label: t('status.indexing.scanning'), detail: t('status.tooltip.indexing.scanning') };
  const number = new Intl.NumberFormat(language);
  const counts = { done: number.format(done), total: number.format(total) };
  return { kind: 'indexing', label: t('status.indexing', counts), detail: t('status.tooltip.indexing', counts) };
}
