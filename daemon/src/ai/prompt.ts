/**
 * What the model is told: the persona as the system prompt, the language to answer in, and the
 * history that fits the budget.
 */
import type { ChatMessage } from './provider';

export interface PersonaParts {
  assistantName: string;
  assistantDescription?: string | null;
  personaName?: string | null;
  personality?: string | null;
  personaDescription?: string | null;
  roleName?: string | null;
  roleDescription?: string | null;
}

export type LanguageCode = 'ja' | 'en';
export const LANGUAGE_NAMES: Record<LanguageCode, string> = { ja: 'Japanese (日本語)', en: 'English' };

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The language a question is written in, when it is clear: kana means Japanese; Latin letters
 * without any CJK mean English (or another Latin-script language the model will recognise).
 * Han characters alone are ambiguous (Chinese or Japanese) and give undefined.
 */
export function detectLanguage(text: string): LanguageCode | undefined {
  if (KANA.test(text)) return 'ja';
  if (HAN.test(text)) return undefined;
  if (LATIN.test(text)) return 'en';
  return undefined;
}

/** The language instruction: the question's own language first, then the user's preference. */
export function languageInstruction(question: string, preferred: LanguageCode): string {
  const detected = detectLanguage(question);
  const hint = detected ? ` The latest message is written in ${LANGUAGE_NAMES[detected]}.` : '';
  return `Always answer in the same language as the user's latest message.${hint} When the language is unclear, answer in ${LANGUAGE_NAMES[preferred]}.`;
}

/** The persona becomes the system prompt: who the assistant is, its role and its manner. */
export function systemPrompt(p: PersonaParts, question: string, preferred: LanguageCode): string {
  return [...personaLines(p), languageInstruction(question, preferred)].join('\n');
}

/** Who the assistant is (name, persona, role, personality, purpose): the start of every system prompt. */
export function personaLines(p: PersonaParts): string[] {
  const lines = [`You are ${p.personaName ? `${p.personaName} (the assistant "${p.assistantName}")` : `the assistant "${p.assistantName}"`}, part of Hisho, a personal AI secretary team working with the user's Obsidian vault.`];
  if (p.roleName) lines.push(`Your role: ${p.roleName}${p.roleDescription ? ` — ${p.roleDescription}` : ''}.`);
  if (p.personality) lines.push(`Your personality: ${p.personality}`);
  if (p.personaDescription) lines.push(`About you: ${p.personaDescription}`);
  if (p.assistantDescription) lines.push(`What you are for: ${p.assistantDescription}`);
  return lines;
}

/** History sent to the model: at most this many characters (roughly 6–12k tokens) and messages. */
export const HISTORY_CHAR_BUDGET = 24_000;
export const HISTORY_MAX_MESSAGES = 60;

/**
 * The newest messages that fit the budget, oldest first. The last message (the question) is
 * always kept, even when it alone is over the budget; older ones are dropped whole, never cut.
 */
export function fitHistory<T extends ChatMessage>(messages: T[], budget = HISTORY_CHAR_BUDGET, maxMessages = HISTORY_MAX_MESSAGES): T[] {
  const out: T[] = [];
  let used = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (out.length > 0 && (used + m.content.length > budget || out.length >= maxMessages)) break;
    out.push(m);
    used += m.content.length;
  }
  // A history must not start with the assistant's turn (some providers refuse it).
  while (out.length > 1 && out[out.length - 1]!.role === 'assistant') out.pop();
  return out.reverse();
}
