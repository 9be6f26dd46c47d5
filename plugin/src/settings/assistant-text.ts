/** The words the assistants list shows for an assistant and for its connection test. */
import type { AssistantTestResult, AssistantView, PersonaOption, TeamOption } from '../daemon/assistant-schemas';
import type { Translate } from '../i18n';
import { PROVIDERS } from './assistant-form';

/** Only whether a key is stored and its last characters: the key itself never comes back. */
export function keyText(key: AssistantView['apiKey'], t: Translate): string {
  if (!key.set) return t('settings.assistants.key.none');
  if (!key.readable || key.last4 === null) return t('settings.assistants.key.unreadable');
  return t('settings.assistants.key.set', { last4: key.last4 });
}

export function usageText(count: number, t: Translate): string {
  if (count === 0) return t('settings.assistants.usage.none');
  if (count === 1) return t('settings.assistants.usage.one');
  return t('settings.assistants.usage.many', { count });
}

/** One line: provider · model · persona · team · key · usage (persona and team when set). */
export function assistantDetails(a: AssistantView, personas: readonly PersonaOption[], teams: readonly TeamOption[], t: Translate): string {
  const parts = [t(PROVIDERS[a.provider].nameKey), a.model];
  const persona = personas.find((p) => p.id === a.personaId);
  if (persona) parts.push(t('settings.assistants.persona', { name: persona.name }));
  const team = teams.find((x) => x.id === a.teamId);
  if (team) parts.push(t('settings.assistants.team', { name: team.name }));
  parts.push(keyText(a.apiKey, t), usageText(a.usageCount, t));
  return parts.join(' · ');
}

/** The test's outcome in plain words: how fast it answered, or the daemon's sentence on what to fix. */
export function testText(result: AssistantTestResult, t: Translate): string {
  if (result.ok) return t('settings.assistants.test.ok', { ms: result.latencyMs });
  return t('settings.assistants.test.failed', { message: result.message });
}
