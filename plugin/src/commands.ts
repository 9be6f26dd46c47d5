import { Notice, type Plugin } from 'obsidian';
import { describeDegraded, describeReason, type ConnectionMonitor } from './connection';
import type { DaemonStarter } from './daemon-starter';
import { displayError } from './errors';
import type { I18n } from './i18n';
import { VIEWS, type ViewKey } from './views/constants';

const OPEN_COMMANDS: Record<ViewKey, 'command.open-librarian' | 'command.open-discussions' | 'command.open-plans'> = {
  librarian: 'command.open-librarian',
  discussions: 'command.open-discussions',
  plans: 'command.open-plans',
};

export async function checkConnectionWithNotice(monitor: ConnectionMonitor, i18n: I18n): Promise<void> {
  const { t } = i18n;
  const status = await monitor.check();
  switch (status.state) {
    case 'connected':
      new Notice(
        status.degraded
          ? t('notice.degraded', { version: status.version, parts: describeDegraded(status.degraded, t) })
          : t('notice.connected', { version: status.version }),
      );
      return;
    case 'unreachable':
      new Notice(t('notice.unreachable', { reason: describeReason(status.reason, t) }));
      return;
    case 'unauthorized':
      new Notice(t('notice.unauthorized'));
      return;
  }
}

/** Names are worded once, in the language active at load (Obsidian lists commands by name). */
export function registerCommands(
  plugin: Plugin,
  monitor: ConnectionMonitor,
  i18n: I18n,
  openView: (key: ViewKey) => Promise<void>,
  starter?: DaemonStarter,
): void {
  if (starter?.available) {
    plugin.addCommand({
      id: 'start-daemon',
      name: i18n.t('command.start-daemon'),
      callback: () => starter.start().catch(displayError),
    });
  }
  plugin.addCommand({
    id: 'check-daemon-connection',
    name: i18n.t('command.check-connection'),
    callback: () => checkConnectionWithNotice(monitor, i18n).catch(displayError),
  });
  for (const key of Object.keys(VIEWS) as ViewKey[]) {
    plugin.addCommand({
      id: `open-${key}`,
      name: i18n.t(OPEN_COMMANDS[key]),
      callback: () => openView(key).catch(displayError),
    });
  }
}
