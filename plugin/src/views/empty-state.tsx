import { useEffect, useState } from 'preact/hooks';
import type { ConnectionMonitor, DisplayStatus } from '../connection';
import type { DaemonStarter } from '../daemon-starter';
import { StartDaemon } from './start-daemon';
import type { I18n } from '../i18n';
import { statusText } from '../status-text';
import type { ViewDefinition } from './constants';

/** Re-renders on language changes. */
export function useLanguage(i18n: I18n): I18n['t'] {
  const [, setLanguage] = useState(i18n.language);
  useEffect(() => i18n.onChange(() => setLanguage(i18n.language)), [i18n]);
  return i18n.t;
}

export function useConnection(monitor: ConnectionMonitor): DisplayStatus {
  const [status, setStatus] = useState(monitor.status);
  useEffect(() => monitor.subscribe(setStatus), [monitor]);
  return status;
}

export function ConnectionLine({ monitor, i18n, starter }: { monitor: ConnectionMonitor; i18n: I18n; starter?: DaemonStarter }) {
  const t = useLanguage(i18n);
  const status = useConnection(monitor);
  const text = statusText(status, t);
  return (
    <div class={`hisho-connection hisho-connection-${text.kind}`} data-state={text.kind}>
      <span class="hisho-connection-text">{text.detail}</span>
      {text.kind !== 'connected' && text.kind !== 'checking' && (
        <button class="hisho-connection-retry" type="button" onClick={() => void monitor.check()}>
          {t('connection.retry')}
        </button>
      )}
      {starter && status.state === 'unreachable' && <StartDaemon starter={starter} reason={status.reason} t={t} />}
    </div>
  );
}

/** What a view shows before it has anything: what will appear there, and the connection state. */
export function EmptyState({ definition, monitor, i18n, starter }: { definition: ViewDefinition; monitor: ConnectionMonitor; i18n: I18n; starter?: DaemonStarter }) {
  const t = useLanguage(i18n);
  return (
    <div class="hisho-empty" data-view={definition.type}>
      <div class="hisho-empty-title">{t(definition.emptyTitleKey)}</div>
      <p class="hisho-empty-body">{t(definition.emptyBodyKey)}</p>
      <ConnectionLine monitor={monitor} i18n={i18n} starter={starter} />
    </div>
  );
}
