import { z } from 'zod';
import { endpoint } from './endpoint';

/** A name the runtime's time-zone database knows (e.g. Asia/Tokyo, UTC). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** The user's preferences (design §15.2.2), kept in users.preferences. */
export const preferencesSchema = z
  .object({
    theme: z.enum(['light', 'dark', 'system']),
    language: z.enum(['ja', 'en']),
    timezone: z.string().max(64).refine(isTimeZone, 'timezone must be an IANA time zone such as Asia/Tokyo'),
    notifications: z
      .object({
        /** Obsidian Notices for events. */
        notices: z.boolean(),
        workflowUpdates: z.boolean(),
        aiDiscussions: z.boolean(),
        planApprovals: z.boolean(),
      })
      .strict(),
    workflowSettings: z
      .object({
        autoAssign: z.boolean(),
        priorityThreshold: z.enum(PRIORITIES),
        defaultView: z.enum(['kanban', 'list']),
      })
      .strict(),
    aiSettings: z
      .object({
        /** null: each assistant's own model. */
        preferredModel: z.string().trim().min(1).max(100).nullable(),
        temperature: z.number().min(0, 'temperature must be between 0 and 2').max(2, 'temperature must be between 0 and 2'),
        maxTokens: z.number().int().min(1).max(1_000_000),
        autoSummarize: z.boolean(),
      })
      .strict(),
    discussionSettings: z
      .object({
        /** What a discussion that was running when the daemon stopped does at the next start: continue, or wait paused for resume. */
        afterRestart: z.enum(['resume', 'pause'], { error: 'afterRestart must be resume or pause' }),
      })
      .strict(),
  })
  .strict();
export type Preferences = z.output<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze<Preferences>({
  theme: 'light',
  language: 'ja',
  timezone: 'Asia/Tokyo',
  notifications: { notices: true, workflowUpdates: true, aiDiscussions: true, planApprovals: true },
  workflowSettings: { autoAssign: true, priorityThreshold: 'medium', defaultView: 'kanban' },
  aiSettings: { preferredModel: null, temperature: 0.7, maxTokens: 2000, autoSummarize: true },
  discussionSettings: { afterRestart: 'resume' },
});

/** PATCH body: any subset, nested objects partial too. */
export const preferencesPatchSchema = z
  .object({
    theme: preferencesSchema.shape.theme,
    language: preferencesSchema.shape.language,
    timezone: preferencesSchema.shape.timezone,
    notifications: preferencesSchema.shape.notifications.partial().strict(),
    workflowSettings: preferencesSchema.shape.workflowSettings.partial().strict(),
    aiSettings: preferencesSchema.shape.aiSettings.partial().strict(),
    discussionSettings: preferencesSchema.shape.discussionSettings.partial().strict(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one preference to change');
export type PreferencesPatch = z.output<typeof preferencesPatchSchema>;

export const preferenceEndpoints = {
  get: endpoint({ method: 'get', path: '/preferences', tag: 'preferences', summary: "The user's preferences", response: preferencesSchema }),
  update: endpoint({ method: 'patch', path: '/preferences', tag: 'preferences', summary: 'Change some preferences', body: preferencesPatchSchema, response: preferencesSchema }),
};
