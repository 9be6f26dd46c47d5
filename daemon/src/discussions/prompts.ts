/**
 * What a speaker is told for one step: the persona and the discussion role as the system prompt;
 * the topic, the shape's instruction for the phase, the transcript so far (newest that fit), the
 * user's interventions, the vault notes offered and the task as the one user message.
 */
import type { NoteReference } from './references';
import { HISTORY_CHAR_BUDGET, LANGUAGE_NAMES, personaLines } from '../ai/prompt';
import type { ChatRequest } from '../ai/provider';
import type { SpeakingStep } from './next-step';
import { judgeGuide, PHASE_GUIDE } from './shapes';
import type { ParticipantInfo, Snapshot } from './store';

const TYPE_NAMES = { collaborative: 'a collaborative discussion', debate: 'a debate', brainstorming: 'a brainstorming session', problem_solving: 'a problem-solving discussion' } as const;

const TURN_FIELDS = [
  'Reply with one JSON object only, with these fields:',
  '- message_type: one of contribution, question, answer, proposal, agreement, disagreement',
  '- content: what you say to the others (plain prose, Markdown allowed)',
  '- reasoning: briefly, why you say it',
  '- confidence: how sure you are, a whole number from 1 to 10',
  '- references: paths of the offered vault notes you rely on (an empty list if none; never invent a path)',
  '- reply_to: the number of the message you reply to (e.g. 12 for [#12]), or null',
  '- forms_consensus: true when your message agrees with a proposal on the table and could settle the topic',
].join('\n');

const JUDGEMENT_FIELDS = [
  'Reply with one JSON object only, with these fields:',
  '- summary: where the discussion stands, in a few sentences',
  '- open_points: the points still disputed or unanswered (an empty list if none)',
  '- progress: how close the speakers are to agreeing, from 0 (far apart) to 1 (agreed)',
  '- reached: true only when consensus is reached',
].join('\n');

function who(p: ParticipantInfo, stance: string | undefined): string {
  const persona = p.persona ? ` (${p.persona.name})` : '';
  return `${p.assistant.name}${persona}, ${p.row.role}${stance ? `, stance: ${stance}` : ''}`;
}

/** The transcript and the user's interventions, oldest first, as many of the newest as fit the budget. */
function transcript(s: Snapshot, budget = HISTORY_CHAR_BUDGET): string {
  const byId = new Map(s.participants.map((p) => [p.row.id, p]));
  const entries: Array<{ at: number; order: number; text: string }> = [];
  for (const m of s.messages) {
    const meta = s.settings.run.messages[String(m.id)];
    if (!meta || meta.failure) continue;
    const speaker = byId.get(m.participantId);
    const name = speaker ? speaker.assistant.name : 'unknown';
    let text: string;
    if (meta.kind === 'judgement' && meta.consensus) {
      const open = meta.consensus.openPoints.length ? ` Open points: ${meta.consensus.openPoints.join('; ')}.` : '';
      text = `[#${m.id}] ${name} (moderator) judged round ${meta.round}: progress ${meta.consensus.progress.toFixed(2)}, consensus ${meta.consensus.reached ? 'reached' : 'not reached'}. ${m.content}${open}`;
    } else {
      const reply = m.parentMessageId ? `, replying to #${m.parentMessageId}` : '';
      text = `[#${m.id}] ${name} (${meta.kind}, round ${meta.round}, ${m.messageType}, confidence ${m.confidenceLevel ?? '?'}${reply}): ${m.content}`;
    }
    entries.push({ at: new Date(m.createdAt).getTime(), order: 1, text });
  }
  for (const i of s.interruptions) {
    if (i.interruptionType === 'clarify') entries.push({ at: new Date(i.createdAt).getTime(), order: 0, text: `[the user asks] ${i.message}` });
    if (i.interruptionType === 'redirect') entries.push({ at: new Date(i.createdAt).getTime(), order: 0, text: `[the user changed the topic to "${i.redirectTopic ?? ''}"]${i.message ? ` ${i.message}` : ''}` });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  const kept: string[] = [];
  let used = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const text = entries[i]!.text;
    if (kept.length > 0 && used + text.length > budget) break;
    kept.push(text);
    used += text.length;
  }
  const dropped = entries.length - kept.length;
  return `${dropped > 0 ? `(${dropped} earlier entries left out)\n` : ''}${kept.reverse().join('\n\n')}`;
}

function task(s: Snapshot, step: SpeakingStep): string {
  const type = s.row.discussionType;
  const run = s.settings.run;
  const stance = s.settings.stances[String(step.participantId)];
  const previous = [...s.messages].reverse().find((m) => {
    const meta = run.messages[String(m.id)];
    return meta && !meta.failure && meta.kind === 'turn';
  });
  const clarify = step.answers !== undefined ? s.interruptions.find((i) => i.id === step.answers) : undefined;
  const redirect = step.redirect !== undefined ? s.interruptions.find((i) => i.id === step.redirect) : undefined;
  switch (step.kind) {
    case 'opening':
      return `${PHASE_GUIDE.opening}${type === 'debate' ? ' Name the stances the participants argue.' : ''} Use message_type "contribution".`;
    case 'turn': {
      const lines = [`It is your turn in round ${step.round} (phase: ${step.phase}). ${PHASE_GUIDE[step.phase]}`];
      if (stance) lines.push(`Your stance: ${stance}. Argue it, whatever your own view.`);
      if (type === 'collaborative' && previous) lines.push(`The previous speaker's message is #${previous.id}: reply_to it and build on it.`);
      if (clarify) lines.push(`The user asks the discussion: "${clarify.message}". Answer this first (message_type "answer"), then continue.`);
      return lines.join('\n');
    }
    case 'judgement':
      return `Round ${step.round} (phase: ${step.phase}) is over. As the moderator, judge consensus. ${judgeGuide(type, step.phase)}`;
    case 'acknowledgement':
      return `The user redirected the discussion to a new topic: "${redirect?.redirectTopic ?? run.topic}".${redirect?.message ? ` The user's note: ${redirect.message}` : ''} As the moderator, acknowledge the change briefly and say how the discussion continues on the new topic. Use message_type "contribution".`;
    case 'summary':
      return 'The user ended the discussion. As the moderator, summarise where it stood: what was agreed, what was still open, and the strongest proposals. Use message_type "contribution".';
    case 'review':
      return 'You observed the discussion without speaking. Give a short closing review: the quality of the reasoning, what was missed, and risks in what was agreed. Use message_type "contribution".';
  }
}

export function buildRequest(s: Snapshot, step: SpeakingStep, notes: NoteReference[]): ChatRequest {
  const speaker = s.participants.find((p) => p.row.id === step.participantId)!;
  const language = s.settings.language;
  const system = [
    ...personaLines({
      assistantName: speaker.assistant.name,
      assistantDescription: speaker.assistant.description,
      personaName: speaker.persona?.name,
      personality: speaker.persona?.personality,
      personaDescription: speaker.persona?.description,
      roleName: speaker.persona?.roleName,
      roleDescription: speaker.persona?.roleDescription,
    }),
    `In this discussion you are the ${speaker.row.role}.`,
    `Write every text field in ${LANGUAGE_NAMES[language]}.`,
    step.kind === 'judgement' ? JUDGEMENT_FIELDS : TURN_FIELDS,
  ].join('\n');

  const run = s.settings.run;
  const sections = [
    `This is ${TYPE_NAMES[s.row.discussionType]}: "${s.row.title}".`,
    `Topic: ${run.topic}${run.topic !== s.row.topic ? ` (changed by the user; it started as "${s.row.topic}")` : ''}`,
  ];
  if (s.row.description) sections.push(`Background:\n${s.row.description}`);
  sections.push(`Speakers:\n${s.participants.filter((p) => p.row.role !== 'observer').map((p) => `- ${who(p, s.settings.stances[String(p.row.id)])}`).join('\n')}`);
  if (s.messages.length > 0 || s.interruptions.length > 0) sections.push(`The discussion so far:\n${transcript(s)}`);
  if (notes.length > 0) sections.push(`Vault notes that may help (cite them by path in references):\n${notes.map((n) => `- ${n.path} — ${n.title}${n.excerpt ? `: ${n.excerpt}` : ''}`).join('\n')}`);
  sections.push(`Your task:\n${task(s, step)}`);
  return { system, messages: [{ role: 'user', content: sections.join('\n\n') }] };
}
