import type { WorkspaceLeaf } from 'obsidian';
import type { ComponentChild } from 'preact';
import { VIEWS } from './constants';
import { localToday } from './plans/format';
import type { PlanNoteHost } from './plans/host';
import { PlansNavigator } from './plans/navigator';
import type { NotificationFeed } from './plans/notification-feed';
import { PlansPane } from './plans/pane';
import type { PlanNotes } from './plans/plan-notes';
import { PreactView, type ViewDeps } from './preact-view';

/** What the Plans view needs beyond every view's dependencies. */
export interface PlansViewDeps {
  notes: PlanNotes;
  feed: NotificationFeed;
}

export class PlansView extends PreactView {
  /** Where the pane is; commands move it and read the plan it shows. */
  readonly navigator = new PlansNavigator();
  private readonly noteListeners = new Set<() => void>();

  constructor(
    leaf: WorkspaceLeaf,
    deps: ViewDeps,
    private readonly plans: PlansViewDeps,
  ) {
    super(leaf, VIEWS.plans, deps);
  }

  /** Obsidian, as the pane's components need it. */
  private readonly host: PlanNoteHost = {
    notePath: (planId) => this.plans.notes.find(planId)?.path ?? null,
    writeNote: async (planId) => (await this.plans.notes.write(planId)).path,
    openNote: (path) => void this.plans.notes.open(path),
    onNotesChange: (listener) => {
      this.noteListeners.add(listener);
      return () => this.noteListeners.delete(listener);
    },
    today: () => localToday(),
  };

  override async onOpen(): Promise<void> {
    const changed = () => {
      for (const listener of this.noteListeners) listener();
    };
    // A note's frontmatter is read once the metadata cache has it; deleting or renaming one changes the answer too.
    this.registerEvent(this.app.metadataCache.on('changed', changed));
    this.registerEvent(this.app.vault.on('delete', changed));
    this.registerEvent(this.app.vault.on('rename', changed));
    await super.onOpen();
  }

  protected content(): ComponentChild {
    return <PlansPane monitor={this.deps.monitor} i18n={this.deps.i18n} host={this.host} feed={this.plans.feed} navigator={this.navigator} starter={this.deps.starter} />;
  }
}
