import type { DiscussionParticipant } from '../../../../shared/contracts/discussions';
import type { PersonaInfo } from '../../daemon/discussion-schemas';

/** How a persona is pictured: a picture, an icon of Obsidian's set (Lucide), an emoji, or the name's first letter. */
export type PersonaIcon = { kind: 'image'; src: string } | { kind: 'icon'; name: string } | { kind: 'emoji'; text: string } | { kind: 'initial'; text: string };

/** The design's preset personas name their icon in icon_metadata.icon_name; these are the Lucide icons that stand for them. */
const PRESET_ICONS: Readonly<Record<string, string>> = {
  project_manager: 'clipboard-list',
  tech_architect: 'cpu',
  creative_director: 'palette',
  data_analyst: 'calculator',
  librarian: 'library',
};

const IMAGE_URL = /^(?:https?:\/\/|data:image\/|app:\/\/)/i;
const ICON_NAME = /^(?:lucide-)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)$/;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function fromText(value: string | null | undefined): PersonaIcon | null {
  const text = value?.trim();
  if (!text) return null;
  if (IMAGE_URL.test(text)) return { kind: 'image', src: text };
  if (EMOJI.test(text) && Array.from(text).length <= 8) return { kind: 'emoji', text };
  const icon = ICON_NAME.exec(text);
  if (icon?.[1]) return { kind: 'icon', name: PRESET_ICONS[icon[1].replace(/-/g, '_')] ?? icon[1].replace(/_/g, '-') };
  return null;
}

/**
 * The icon of a participant. The persona's icon_url may hold a picture's URL, an emoji or an icon
 * name; its image_url a picture; a preset persona names its icon in icon_metadata (read from the
 * personas list when the pane has it). Without any, the first letter of the name.
 */
export function personaIcon(persona: DiscussionParticipant['persona'] | PersonaInfo | null | undefined, name: string, full?: PersonaInfo): PersonaIcon {
  const preset = full?.iconMetadata.icon_name;
  return (
    fromText(persona?.iconUrl) ??
    (persona?.imageUrl && IMAGE_URL.test(persona.imageUrl.trim()) ? { kind: 'image', src: persona.imageUrl.trim() } : null) ??
    (typeof preset === 'string' ? fromText(preset) : null) ?? { kind: 'initial', text: (Array.from(name.trim())[0] ?? '?').toUpperCase() }
  );
}
