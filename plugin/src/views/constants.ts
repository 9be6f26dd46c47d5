import type { MessageKey } from '../i18n';

export interface ViewDefinition {
  /** The view type registered with Obsidian. */
  type: string;
  /** The key of the view's name in shared/i18n. */
  nameKey: MessageKey;
  emptyTitleKey: MessageKey;
  emptyBodyKey: MessageKey;
  /** A Lucide icon name. */
  icon: string;
}

/** Every view, defined once: registration, ribbon icons, commands and the views read these. */
export const VIEWS = {
  librarian: {
    type: 'hisho-librarian',
    nameKey: 'view.librarian.name',
    emptyTitleKey: 'view.librarian.empty.title',
    emptyBodyKey: 'view.librarian.empty.body',
    icon: 'library',
  },
  discussions: {
    type: 'hisho-discussions',
    nameKey: 'view.discussions.name',
    emptyTitleKey: 'view.discussions.empty.title',
    emptyBodyKey: 'view.discussions.empty.body',
    icon: 'messages-square',
  },
  plans: {
    type: 'hisho-plans',
    nameKey: 'view.plans.name',
    emptyTitleKey: 'view.plans.empty.title',
    emptyBodyKey: 'view.plans.empty.body',
    icon: 'clipboard-check',
  },
} as const satisfies Record<string, ViewDefinition>;

export type ViewKey = keyof typeof VIEWS;
