import type { Plugin } from 'obsidian';
import { displayError } from './errors';
import type { I18n } from './i18n';
import type { PaneRequests } from './views/discussions/host';
import { topicSourceOf } from './views/discussions-view';

/**
 * "Start a discussion about the selection": reads the selection (or the active note) while the
 * editor still has it, then opens the Discussions pane on the new-discussion form, prefilled.
 */
export function registerDiscussionCommand(plugin: Plugin, i18n: I18n, requests: PaneRequests, openPane: () => Promise<void>): void {
  plugin.addCommand({
    id: 'start-discussion',
    name: i18n.t('command.start-discussion'),
    callback: () => {
      requests.newDiscussion(topicSourceOf(plugin.app));
      return openPane().catch(displayError);
    },
  });
}
