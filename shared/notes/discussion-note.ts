/**
 * A discussion as a Markdown note: frontmatter, the topic, the participants with their personas,
 * the transcript (types, confidence, reasoning, references as [[links]], the user's interventions),
 * the consensus and a Mermaid flowchart of how it went. Pure (no clock, no I/O): the daemon serves
 * it and the plugin writes it into the vault.
 */
import type { Discussion, DiscussionMessage, DiscussionNoteData, DiscussionParticipant, Interruption } from '../contracts/discussions';
import { format, MESSAGES, type Language, type MessageKey } from '../i18n';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

function translator(language: Language): T {
  return (key, vars) => format(MESSAGES[language][key], vars);
}

/** "2025-08-13 10:00 UTC": readable and the same on every machine. */
function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** A YAML scalar: JSON strings are valid YAML and escape everything that needs it. */
const yaml = (v: string | number | boolean) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** An Obsidian link to a vault-relative note path. */
function link(path: string, title: string): string {
  const target = path.replace(/\.md$/i, '');
  return target === title ? `[[${target}]]` : `[[${target}|${title}]]`;
}

const quote = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');

/** A file name for the note, safe on Windows, macOS and Linux and in Obsidian links. */
export function discussionNoteFileName(discussion: Pick<Discussion, 'title'>, language: Language): string {
  const t = translator(language);
  const title = discussion.title
    .replace(/[\\/:*?"<>|#^[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
  return `${t('note.discussion.file-prefix')} - ${title || '-'}.md`;
}

function participantLine(p: DiscussionParticipant, t: T): string {
  const parts = [`**${p.name}**`, t(`note.discussion.role.${p.role}`)];
  if (p.stance) parts.push(t('note.discussion.stance', { stance: p.stance }));
  if (p.role !== 'observer') parts.push(t('note.discussion.contributions', { count: p.contributionCount }));
  let line = `- ${parts.join(' · ')}`;
  if (p.persona) {
    line += `\n  - ${p.persona.name}: ${p.persona.personality.replace(/\s+/g, ' ').trim()}`;
    if (p.persona.description) line += `\n  - ${p.persona.description.replace(/\s+/g, ' ').trim()}`;
  }
  return line;
}

type Entry = { at: string; order: number; message?: DiscussionMessage; interruption?: Interruption };

/** Messages and the user's interventions in the order they happened. */
function timeline(data: DiscussionNoteData): Entry[] {
  const entries: Entry[] = [
    ...data.messages.map((m) => ({ at: m.createdAt, order: 1, message: m })),
    ...data.interruptions.map((i) => ({ at: i.createdAt, order: 0, interruption: i })),
  ];
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
}

function messageBlock(m: DiscussionMessage, speaker: DiscussionParticipant | undefined, t: T): string {
  const name = speaker?.name ?? '?';
  const head = [name, t(`note.discussion.kind.${m.kind}`)];
  if (m.failure) {
    return `#### ${head.join(' · ')}\n\n> [!warning]\n${quote(t('note.discussion.failed', { reason: m.failure.reason }))}`;
  }
  if (m.kind === 'judgement' && m.consensus) {
    head.push(t('note.discussion.progress', { value: Math.round(m.consensus.progress * 100) }));
    let body = m.content;
    if (m.consensus.openPoints.length) body += `\n\n${t('note.discussion.open-points')}:\n${m.consensus.openPoints.map((p) => `- ${p}`).join('\n')}`;
    return `#### ${head.join(' · ')}\n\n${body}`;
  }
  head.push(t(`note.discussion.message-type.${m.messageType}`));
  if (m.confidence !== null) head.push(t('note.discussion.confidence', { value: m.confidence }));
  const parts = [`#### ${head.join(' · ')}`, m.content];
  if (m.reasoning) parts.push(`> [!note]- ${t('note.discussion.reasoning')}\n${quote(m.reasoning)}`);
  if (m.references.length) parts.push(`${t('note.discussion.references')}: ${m.references.map((r) => link(r.path, r.title)).join(', ')}`);
  return parts.join('\n\n');
}

function interruptionBlock(i: Interruption, t: T): string {
  switch (i.type) {
    case 'clarify':
      return `> [!question] ${t('note.discussion.user.clarify')}\n${quote(i.message)}`;
    case 'redirect':
      return `> [!tip] ${t('note.discussion.user.redirect', { topic: i.redirectTopic ?? '' })}${i.message ? `\n${quote(i.message)}` : ''}`;
    case 'pause':
      return i.initiatedBy === 'user' ? `> [!info] ${t('note.discussion.user.pause')}${i.message ? `\n${quote(i.message)}` : ''}` : `> [!info] ${t('note.discussion.user.pause-system', { reason: i.message })}`;
    case 'terminate':
      return `> [!info] ${t('note.discussion.user.terminate')}${i.message ? `\n${quote(i.message)}` : ''}`;
  }
}

function transcript(data: DiscussionNoteData, t: T): string {
  const byId = new Map(data.discussion.participants.map((p) => [p.id, p]));
  const out: string[] = [];
  let section = '';
  for (const e of timeline(data)) {
    if (e.message) {
      const m = e.message;
      const heading = m.phase === 'opening' || m.phase === 'closing' ? t(`note.discussion.phase.${m.phase}`) : `${t('note.discussion.round', { round: m.round })} · ${t(`note.discussion.phase.${m.phase}`)}`;
      if (heading !== section) {
        section = heading;
        out.push(`### ${heading}`);
      }
      out.push(messageBlock(m, byId.get(m.participantId), t));
    } else if (e.interruption) {
      out.push(interruptionBlock(e.interruption, t));
    }
  }
  return out.join('\n\n');
}

function consensus(d: Discussion, t: T): string {
  const lines: string[] = [];
  lines.push(d.stopReason ? t(`note.discussion.stop.${d.stopReason}`) : t('note.discussion.stop.running'));
  if (d.consensusReached) lines.push(t('note.discussion.consensus.reached'));
  else if (d.consensus) lines.push(t('note.discussion.consensus.not-reached', { value: Math.round(d.consensus.progress * 100) }));
  else lines.push(t('note.discussion.consensus.none'));
  const summary = d.consensusSummary ?? d.consensus?.summary;
  if (summary) lines.push(summary);
  if (d.consensus?.openPoints.length) lines.push(`${t('note.discussion.open-points')}:\n${d.consensus.openPoints.map((p) => `- ${p}`).join('\n')}`);
  return lines.join('\n\n');
}

/** A Mermaid label: one line, short, without the characters that end a label. */
function label(text: string, max = 48): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return cut.replace(/"/g, '#quot;').replace(/[[\]{}<>|]/g, ' ');
}

function flowchart(data: DiscussionNoteData, t: T): string {
  const d = data.discussion;
  const byId = new Map(d.participants.map((p) => [p.id, p]));
  const lines = ['```mermaid', 'flowchart TD', `  start(["${label(`${t('note.discussion.flow.start')}: ${d.topic}`)}"])`];
  const nodeOf = new Map<number, string>();
  let previous = 'start';
  let n = 0;
  for (const e of timeline(data)) {
    const node = `n${++n}`;
    if (e.message) {
      const m = e.message;
      const who = byId.get(m.participantId)?.name ?? '?';
      const what = m.failure ? `✗ ${t(`note.discussion.kind.${m.kind}`)}` : m.kind === 'turn' ? t(`note.discussion.message-type.${m.messageType}`) : t(`note.discussion.kind.${m.kind}`);
      const extra = m.kind === 'judgement' && m.consensus ? ` ${Math.round(m.consensus.progress * 100)}%` : m.confidence !== null && m.kind === 'turn' ? ` (${m.confidence}/10)` : '';
      const text = label(`${who}: ${what}${extra}`);
      lines.push(m.kind === 'judgement' ? `  ${node}{"${text}"}` : `  ${node}["${text}"]`);
      nodeOf.set(m.id, node);
      if (m.parentMessageId !== null) {
        const parent = nodeOf.get(m.parentMessageId);
        if (parent && parent !== previous) lines.push(`  ${node} -.-> ${parent}`);
      }
    } else if (e.interruption) {
      const i = e.interruption;
      const text =
        i.type === 'redirect'
          ? `${t('note.discussion.flow.user')}: → ${i.redirectTopic ?? ''}`
          : i.type === 'clarify'
            ? `${t('note.discussion.flow.user')}: ? ${i.message}`
            : i.type === 'pause'
              ? t('note.discussion.user.pause')
              : t('note.discussion.user.terminate');
      lines.push(`  ${node}[/"${label(text)}"/]`);
    }
    lines.push(`  ${previous} --> ${node}`);
    previous = node;
  }
  if (d.stopReason && d.endedAt) {
    lines.push(`  finish(["${label(t(`note.discussion.stop.${d.stopReason}`))}"])`, `  ${previous} --> finish`);
  }
  lines.push('```');
  return lines.join('\n');
}

export function renderDiscussionNote(data: DiscussionNoteData, language: Language): string {
  const t = translator(language);
  const d = data.discussion;
  const front = [
    '---',
    `hisho: discussion`,
    `discussion_id: ${d.id}`,
    `title: ${yaml(d.title)}`,
    `type: ${d.type}`,
    `topic: ${yaml(d.currentTopic)}`,
    `status: ${d.status}`,
    ...(d.stopReason ? [`stop_reason: ${d.stopReason}`] : []),
    `consensus_reached: ${yaml(d.consensusReached)}`,
    'participants:',
    ...d.participants.map((p) => `  - ${yaml(`${p.name} (${p.role})`)}`),
    `started: ${yaml(d.startedAt)}`,
    ...(d.endedAt ? [`ended: ${yaml(d.endedAt)}`] : []),
    'tags:',
    '  - hisho/discussion',
    '---',
  ];
  const topic = [`**${t('note.discussion.topic')}:** ${d.currentTopic}`];
  if (d.currentTopic !== d.topic) topic.push(`(${t('note.discussion.topic-started-as', { topic: d.topic })})`);
  const meta = [topic.join(' '), `**${t('note.discussion.type')}:** ${t(`note.discussion.type.${d.type}`)}`, `**${t('note.discussion.period')}:** ${when(d.startedAt)}${d.endedAt ? ` – ${when(d.endedAt)}` : ''}`];
  const sections = [
    front.join('\n'),
    `# ${d.title}`,
    meta.join('  \n'),
    ...(d.description ? [`## ${t('note.discussion.background')}\n\n${d.description}`] : []),
    `## ${t('note.discussion.participants')}\n\n${d.participants.map((p) => participantLine(p, t)).join('\n')}`,
    `## ${t('note.discussion.transcript')}\n\n${transcript(data, t)}`,
    `## ${t('note.discussion.consensus')}\n\n${consensus(d, t)}`,
    `## ${t('note.discussion.flow')}\n\n${flowchart(data, t)}`,
  ];
  return `${sections.join('\n\n')}\n`;
}
