import { Notice, TFile, type App, type Plugin } from 'obsidian';
import { displayError } from './errors';
import type { I18n } from './i18n';
import { VIEWS, type ViewKey } from './views/constants';
import type { PlanNotes } from './views/plans/plan-notes';
import { PlansView } from './views/plans-view';

/** The open Plans view, if any. */
function plansView(app: App): PlansView | null {
  const view = app.workspace.getLeavesOfType(VIEWS.plans.type)[0]?.view;
  return view instanceof PlansView ? view : null;
}

/** Opens the Plans pane (reusing an open one) on one plan. */
export async function showPlan(app: App, openView: (key: ViewKey) => Promise<void>, planId: number): Promise<void> {
  await openView('plans');
  plansView(app)?.navigator.go({ kind: 'plan', id: planId });
}

/**
 * The plan commands: a new plan, and the note of the plan the pane shows or of the active note.
 * ("Open plan approvals" is registered with the other views' commands.)
 */
export function registerPlanCommands(plugin: Plugin, i18n: I18n, notes: PlanNotes, openView: (key: ViewKey) => Promise<void>): void {
  const { app } = plugin;
  const { t } = i18n;
  const shownPlan = () => plansView(app)?.navigator.shownPlanId ?? null;

  plugin.addCommand({
    id: 'create-plan',
    name: t('command.create-plan'),
    callback: async () => {
      await openView('plans').catch(displayError);
      plansView(app)?.navigator.go({ kind: 'create' });
    },
  });
  plugin.addCommand({
    id: 'create-plan-note',
    name: t('command.create-plan-note'),
    checkCallback: (checking) => {
      const planId = shownPlan();
      if (planId === null) return false;
      if (!checking) {
        const existed = notes.find(planId) !== null;
        void notes
          .write(planId)
          .then(async (file) => {
            new Notice(t(existed ? 'plans.pane.note.updated' : 'plans.pane.note.created', { path: file.path }));
            if (!existed) await notes.open(file.path);
          })
          .catch(displayError);
      }
      return true;
    },
  });
  plugin.addCommand({
    id: 'open-plan-note',
    name: t('command.open-plan-note'),
    checkCallback: (checking) => {
      const planId = shownPlan();
      const file = planId === null ? null : notes.find(planId);
      if (!file) return false;
      if (!checking) notes.open(file.path).catch(displayError);
      return true;
    },
  });
  plugin.addCommand({
    id: 'regenerate-plan-note',
    name: t('command.regenerate-plan-note'),
    checkCallback: (checking) => {
      const file = app.workspace.getActiveFile();
      if (!(file instanceof TFile) || notes.planIdOf(file) === null) return false;
      if (!checking) {
        notes
          .regenerate(file)
          .then(() => new Notice(t('plans.pane.note.updated', { path: file.path })))
          .catch(displayError);
      }
      return true;
    },
  });
}
