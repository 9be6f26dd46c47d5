import { getLanguage, Plugin, type WorkspaceLeaf } from 'obsidian';
import { registerCommands } from './commands';
import { registerPlanCommands, showPlan } from './plan-commands';
import { registerDiscussionCommand } from './discussion-command';
import { ConnectionMonitor } from './connection';
import { nodeLaunchHost } from './daemon/node-launcher';
import { DaemonStarter } from './daemon-starter';
import { setErrorLanguage } from './errors';
import { I18n } from './i18n';
import { openPluginSettings } from './note-tools/editor';
import { registerNoteCommands } from './note-tools/note-commands';
import { windowSchedule } from './schedule';
import { parseSettings, type HishoSettings } from './settings';
import { HishoSettingTab } from './settings-tab';
import { StatusBar } from './status-bar';
import { LanguageSync } from './language-sync';
import { VaultRegistration, vaultBasePath } from './vault-registration';
import { VIEWS, type ViewKey } from './views/constants';
import { PaneRequests } from './views/discussions/host';
import { DiscussionsView } from './views/discussions-view';
import { LibrarianView } from './views/librarian-view';
import { daemonIndexSource } from './views/librarian/daemon';
import { IndexWatch, watchWhileConnected } from './views/librarian/index-watch';
import { plansApi } from './views/plans/api';
import { PlanNotes } from './views/plans/plan-notes';
import { PlanNotifier } from './views/plans/notifier';
import { PlansView } from './views/plans-view';
import type { ViewDeps } from './views/preact-view';

export default class HishoPlugin extends Plugin {
  override settings: HishoSettings = parseSettings(undefined);
  private readonly i18n = new I18n(() => getLanguage());
  private monitor!: ConnectionMonitor;

  override async onload(): Promise<void> {
    this.settings = parseSettings(await this.loadData());
    this.i18n.apply(this.settings.language);
    setErrorLanguage(this.i18n);

    const host = nodeLaunchHost();
    this.monitor = new ConnectionMonitor({
      overrides: () => this.settings,
      host,
      fetch: (input, init) => window.fetch(input, init),
    });
    const starter = new DaemonStarter(host, this.monitor, this.i18n, () => process.env);
    const registration = this.addChild(new VaultRegistration(this.monitor, () => vaultBasePath(this.app)));
    // One watch of the vault's index for the plugin: the status bar and the Librarian pane share it.
    const index = new IndexWatch(daemonIndexSource(this.monitor, registration.vaultParam), windowSchedule);
    this.register(watchWhileConnected(index, this.monitor));
    this.register(registration.onRegistered(() => index.checkNow()));

    this.addChild(
      new StatusBar(this.addStatusBarItem(), {
        monitor: this.monitor,
        i18n: this.i18n,
        index,
        whenLayoutReady: (callback) => this.app.workspace.onLayoutReady(callback),
        openLibrarian: () => void this.openView('librarian'),
        starter,
      }),
    );

    const deps: ViewDeps = { monitor: this.monitor, i18n: this.i18n, starter };
    this.addChild(new LanguageSync(this.monitor, this.i18n));
    const openSettings = () => openPluginSettings(this.app, this.manifest.id);
    this.registerView(VIEWS.librarian.type, (leaf) => new LibrarianView(leaf, deps, { vault: registration.vaultParam, openSettings, index }));
    const discussionRequests = new PaneRequests();
    const openPlan = (planId: number) => showPlan(this.app, (key) => this.openView(key), planId);
    this.registerView(VIEWS.discussions.type, (leaf) => new DiscussionsView(leaf, deps, discussionRequests, registration.vaultParam, openPlan));
    const notifier = this.addChild(new PlanNotifier(this.monitor));
    const planNotes = new PlanNotes(this.app, () => plansApi(this.monitor), registration.vaultParam);
    this.registerView(VIEWS.plans.type, (leaf) => new PlansView(leaf, deps, { notes: planNotes, feed: notifier.feed }));
    for (const key of Object.keys(VIEWS) as ViewKey[]) {
      const view = VIEWS[key];
      this.addRibbonIcon(view.icon, this.i18n.t(view.nameKey), () => void this.openView(key));
    }

    registerCommands(this, this.monitor, this.i18n, (key) => this.openView(key), starter);
    registerPlanCommands(this, this.i18n, planNotes, (key) => this.openView(key));
    registerDiscussionCommand(this, this.i18n, discussionRequests, () => this.openView('discussions'));
    registerNoteCommands(this, { monitor: this.monitor, i18n: this.i18n, vault: registration.vaultParam, askAbout: (path) => this.askAbout(path), openSettings });
    this.addSettingTab(new HishoSettingTab(this.app, this, this, this.i18n, this.monitor, registration.vaultParam));
  }

  override onunload(): void {
    setErrorLanguage(null);
  }

  async updateSettings(patch: Partial<HishoSettings>): Promise<void> {
    const previous = this.settings;
    this.settings = { ...previous, ...patch };
    await this.saveData(this.settings);
    this.i18n.apply(this.settings.language);
    if (previous.daemonUrl !== this.settings.daemonUrl || previous.token !== this.settings.token) {
      void this.monitor.check();
    }
  }

  /** Opens the Librarian's chat about the note at `path`. */
  private async askAbout(path: string): Promise<void> {
    await this.openView('librarian');
    const view = this.app.workspace.getLeavesOfType(VIEWS.librarian.type)[0]?.view;
    if (view instanceof LibrarianView) view.askAbout(path);
  }

  /** Shows the view in the right sidebar, reusing an open one. */
  async openView(key: ViewKey): Promise<void> {
    const { workspace } = this.app;
    const type = VIEWS[key].type;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(type)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getRightLeaf(false);
      if (!leaf) return;
      await leaf.setViewState({ type, active: true });
    }
    await workspace.revealLeaf(leaf);
  }
}
