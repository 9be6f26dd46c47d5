/**
 * What the librarian tells the model: who it is (the assistant's persona), how to answer from the
 * vault's passages and cite them as `[[links]]`, and the passages themselves.
 */
import type { Passage } from '../../../shared/contracts/librarian';
import { systemPrompt, type LanguageCode, type PersonaParts } from '../ai/prompt';

const VAULT_RULES = [
  "You are the librarian (司書) of the user's Obsidian vault: you answer from the user's own notes.",
  'Answer the question from the notes given with it. Cite every note you use with an Obsidian link to it, written exactly as given, such as [[Note title]], right after what it supports.',
  'Link only to notes given with the question; never write a link to a note that was not given, and never invent a note.',
  'When the notes do not answer the question, say so plainly instead of guessing. Keep the answer short and use Markdown.',
].join('\n');

const GENERAL_RULES = [
  "You are the librarian (司書) of the user's Obsidian vault. The vault holds nothing about this question, and the user asked for an answer from general knowledge.",
  "Say first, in one short sentence, that the answer does not come from the user's notes. Write no [[links]]. Keep the answer short and use Markdown.",
].join('\n');

/** The system prompt: the persona, then the librarian's rules for this answer. */
export function librarianSystemPrompt(persona: PersonaParts, question: string, preferred: LanguageCode, mode: 'vault' | 'general'): string {
  return `${systemPrompt(persona, question, preferred)}\n\n${mode === 'vault' ? VAULT_RULES : GENERAL_RULES}`;
}

/**
 * The user's turn as the model sees it: the passages, each under the link that cites it, then the
 * question. `linkTargets` gives the link of each note (its title, or its path when the title is
 * not unique in the vault).
 */
export function questionWithPassages(question: string, passages: Passage[], linkTargets: Map<number, string>): string {
  if (passages.length === 0) return question;
  const blocks = passages.map((p, i) => {
    const where = p.heading ? ` — section “${p.heading}”` : '';
    return `[${i + 1}] [[${linkTargets.get(p.noteId) ?? p.title}]]${where}\n${p.text}`;
  });
  return `Notes from my vault:\n\n${blocks.join('\n\n---\n\n')}\n\n---\n\nMy question: ${question}`;
}
