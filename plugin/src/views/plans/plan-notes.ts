import { normalizePath, TFile, type App } from 'obsidian';
import type { PlanNoteData } from '../../../../shared/contracts/plans';
import { planNoteFileName, regeneratePlanNote, renderPlanNote, type PlanNoteOptions } from '../../../../shared/plans/note';
import type { PlansApi } from '../../daemon/plans-client';

/** Where new plan notes go; a note moved elsewhere is still found by its frontmatter. */
export const PLAN_NOTES_FOLDER = 'Plans';
/** The frontmatter key shared/plans/note.ts writes; it ties a note to its plan wherever the note lives. */
const PLAN_ID_KEY = 'hisho-plan-id';

/**
 * Plan notes in the vault, written through Obsidian's API (the daemon never writes the vault). The
 * rendering is shared/plans/note.ts; regenerating replaces only the part Hisho manages and refuses
 * (PlanNoteError, nothing written) a note whose markers are damaged.
 */
export class PlanNotes {
  constructor(
    private readonly app: App,
    private readonly api: () => Promise<PlansApi>,
    /** The registered vault's id, so the daemon can read its plan template. */
    private readonly vaultId: () => string | undefined,
  ) {}

  /** The plan a note belongs to, from its frontmatter; null for any other note. */
  planIdOf(file: TFile): number | null {
    const value: unknown = this.app.metadataCache.getFileCache(file)?.frontmatter?.[PLAN_ID_KEY];
    const id = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  }

  find(planId: number): TFile | null {
    return this.app.vault.getMarkdownFiles().find((file) => this.planIdOf(file) === planId) ?? null;
  }

  /** Creates the plan's note in PLAN_NOTES_FOLDER, or brings its existing note up to date. */
  async write(planId: number): Promise<TFile> {
    const data = await this.noteData(planId);
    const options = noteOptions(data);
    const existing = this.find(planId);
    if (existing) {
      await this.app.vault.process(existing, (text) => regeneratePlanNote(text, data.plan, options));
      return existing;
    }
    // Rendered before anything is created, so a template the renderer refuses leaves no empty note behind.
    const text = renderPlanNote(data.plan, options);
    const path = normalizePath(`${PLAN_NOTES_FOLDER}/${planNoteFileName(data.plan)}`);
    const there = this.app.vault.getAbstractFileByPath(path);
    if (there instanceof TFile) {
      // A note by that name that the metadata cache does not know as this plan's yet: update, never overwrite.
      await this.app.vault.process(there, (current) => regeneratePlanNote(current, data.plan, options));
      return there;
    }
    if (!this.app.vault.getAbstractFileByPath(PLAN_NOTES_FOLDER)) await this.app.vault.createFolder(PLAN_NOTES_FOLDER);
    return this.app.vault.create(path, text);
  }

  /** Brings a plan note up to date from its plan. */
  async regenerate(file: TFile): Promise<void> {
    const planId = this.planIdOf(file);
    if (planId === null) throw new Error(`${file.path} is not a plan note`);
    const data = await this.noteData(planId);
    await this.app.vault.process(file, (text) => regeneratePlanNote(text, data.plan, noteOptions(data)));
  }

  async open(path: string): Promise<void> {
    await this.app.workspace.openLinkText(path, '', false);
  }

  private async noteData(planId: number): Promise<PlanNoteData> {
    return (await this.api()).note(planId, this.vaultId(), this.app.vault.configDir);
  }
}

function noteOptions(data: PlanNoteData): PlanNoteOptions {
  return { language: data.language, template: data.template?.content ?? null };
}
