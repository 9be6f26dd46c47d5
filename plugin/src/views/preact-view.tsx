import { ItemView, type WorkspaceLeaf } from 'obsidian';
import { render, type ComponentChild } from 'preact';
import type { ConnectionMonitor } from '../connection';
import type { DaemonStarter } from '../daemon-starter';
import type { I18n } from '../i18n';
import type { ViewDefinition } from './constants';

/** What every view needs from the plugin, passed in when the view is created. */
export interface ViewDeps {
  monitor: ConnectionMonitor;
  i18n: I18n;
  /** Offers to start the daemon (or install the service) when it is not running. */
  starter?: DaemonStarter;
}

/**
 * An ItemView whose content is a Preact tree: mounted in onOpen, unmounted in onClose so the
 * components' effects (subscriptions) end with the view.
 */
export abstract class PreactView extends ItemView {
  constructor(
    leaf: WorkspaceLeaf,
    protected readonly definition: ViewDefinition,
    protected readonly deps: ViewDeps,
  ) {
    super(leaf);
  }

  getViewType(): string {
    return this.definition.type;
  }

  getDisplayText(): string {
    return this.deps.i18n.t(this.definition.nameKey);
  }

  override getIcon(): string {
    return this.definition.icon;
  }

  protected abstract content(): ComponentChild;

  override async onOpen(): Promise<void> {
    this.contentEl.addClass('hisho-view');
    render(this.content(), this.contentEl);
  }

  override async onClose(): Promise<void> {
    render(null, this.contentEl);
  }
}
