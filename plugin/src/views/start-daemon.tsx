import { useEffect, useState } from 'preact/hooks';
import { daemonIsDown } from '../daemon/launcher';
import type { UnreachableReason } from '../daemon/reasons';
import type { DaemonStarter } from '../daemon-starter';
import type { Translate } from '../i18n';

/**
 * Shown under "not connected" when the daemon is simply not running: a button that starts it, and
 * the command that installs the startup service (installing needs a terminal, and on Windows may
 * need elevation, so the plugin shows the command instead of running it).
 */
export function StartDaemon({ starter, reason, t }: { starter: DaemonStarter; reason: UnreachableReason; t: Translate }) {
  const [starting, setStarting] = useState(starter.isStarting);
  const [command, setCommand] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [command]);
  if (!starter.available || !daemonIsDown(reason)) return null;

  const start = () => {
    setStarting(true);
    void starter.start().finally(() => setStarting(false));
  };
  const showCommand = () => void starter.installCommand().then(setCommand);
  const copy = () => {
    if (command) void navigator.clipboard.writeText(command).then(() => setCopied(true));
  };

  return (
    <div class="hisho-start">
      <button class="hisho-start-button mod-cta" type="button" disabled={starting} onClick={start}>
        {starting ? t('connection.starting') : t('connection.start')}
      </button>
      <button class="hisho-install-service" type="button" onClick={showCommand}>
        {t('connection.install-service')}
      </button>
      {command !== null && (
        <div class="hisho-install-command">
          <p>{t('connection.install-service.body')}</p>
          <code class="hisho-install-command-text">{command}</code>
          <button class="hisho-install-command-copy" type="button" onClick={copy}>
            {copied ? t('connection.copied') : t('connection.copy')}
          </button>
        </div>
      )}
    </div>
  );
}
