/**
 * What the model must answer with, validated with zod (never a magic word in the text). Field
 * order matters: the text shown live comes first, so it streams before the bookkeeping fields.
 */
import { z } from 'zod';
import { DISCUSSION_MESSAGE_TYPES } from '../../../shared/contracts/discussions';

/** A speaker's turn (also the moderator's opening, acknowledgement and summary, and an observer's review). */
export const turnOutputSchema = z.object({
  message_type: z.enum(DISCUSSION_MESSAGE_TYPES),
  content: z.string().trim().min(1, 'content must not be empty').max(20_000),
  reasoning: z.string().max(10_000),
  confidence: z.number().int().min(1).max(10),
  /** Paths of the offered vault notes this turn relies on. */
  references: z.array(z.string().max(1000)).max(20),
  /** The id of the message this one replies to, or null. */
  reply_to: z.number().int().nullable(),
  forms_consensus: z.boolean(),
});
export type TurnOutput = z.output<typeof turnOutputSchema>;

/** The moderator's judgement after a round. */
export const judgementOutputSchema = z.object({
  summary: z.string().trim().min(1, 'summary must not be empty').max(20_000),
  open_points: z.array(z.string().max(2000)).max(20),
  progress: z.number().min(0).max(1),
  reached: z.boolean(),
});
export type JudgementOutput = z.output<typeof judgementOutputSchema>;

/** The field of each output that is streamed to the clients as it arrives. */
export function streamedText(partial: unknown, field: 'content' | 'summary'): string | undefined {
  if (!partial || typeof partial !== 'object') return undefined;
  const value = (partial as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
