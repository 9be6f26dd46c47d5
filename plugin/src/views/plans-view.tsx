import type { WorkspaceLeaf } from 'obsidian';
import type { ComponentChild } from 'preact';
import { VIEWS } from './constants';
import { EmptyState } from './empty-state';
import { PreactView, type ViewDeps } from './preact-view';

export class PlansView extends PreactView {
  constructor(leaf: WorkspaceLeaf, deps: ViewDeps) {
    super(leaf, VIEWS.plans, deps);
  }

  protected content(): ComponentChild {
    return <EmptyState definition={this.definition} monitor={this.deps.monitor} i18n={this.deps.i18n} starter={this.deps.starter} />;
  }
}
