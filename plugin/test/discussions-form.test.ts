/**
 * The Discussions pane's other pure parts: the new-discussion form (prefill, request body checked
 * against the contract, refusals sorted by field), persona icons, links in messages, where a note is
 * saved, the Server-Sent Events reader, and the requests that reach the pane from the command.
 */
import { describe, expect, it } from 'vitest';
import { DISCUSSION_DEFAULTS, DISCUSSION_LIMITS, discussionCreateSchema } from '../../shared/contracts/discussions';
import { DaemonError } from '../src/daemon/client';
import type { AssistantOption, PersonaInfo } from '../src/daemon/discussion-schemas';
import { EventStreamParser } from '../src/daemon/event-stream';
import { clip, createBody, DESCRIPTION_MAX, fieldOf, FORM_DEFAULTS, formErrors, newForm, TOPIC_MAX, topicFrom, withAssistants } from '../src/views/discussions/form';
import { PaneRequests } from '../src/views/discussions/host';
import { notePath } from '../src/views/discussions/note-path';
import { personaIcon } from '../src/views/discussions/persona-icon';
import { textParts } from '../src/views/discussions/text-links';

const assistant = (id: number, name = `A${id}`): AssistantOption => ({ id, name, description: null, provider: 'openai_compatible', model: 'llama3.2', personaId: null, isActive: true });

describe('the new-discussion form', () => {
  it('uses the contract’s limits and defaults', () => {
    expect(FORM_DEFAULTS).toEqual({
      maxRounds: DISCUSSION_DEFAULTS.maxRounds,
      tokenBudget: DISCUSSION_DEFAULTS.tokenBudget,
      consultVault: DISCUSSION_DEFAULTS.consultVault,
      maxParticipants: DISCUSSION_DEFAULTS.maxParticipants,
    });
    expect(DESCRIPTION_MAX).toBe(DISCUSSION_LIMITS.maxMessageChars);
    expect(discussionCreateSchema.safeParse({ ...createBody(newForm({ selection: 'x', noteTitle: null }, [assistant(1), assistant(2)], 'en'), null), topic: 'x'.repeat(TOPIC_MAX + 1) }).success).toBe(false);
  });

  it('takes the topic from the selection’s first line, the whole selection as background', () => {
    expect(topicFrom({ selection: '\n## Remote   work?\n- keep offices\n', noteTitle: 'Ignored' })).toEqual({
      title: 'Remote work?',
      topic: 'Remote work?',
      description: '## Remote   work?\n- keep offices',
    });
    expect(topicFrom({ selection: '- [ ] 予算を決める\n詳細', noteTitle: null }).topic).toBe('予算を決める');
    expect(topicFrom({ selection: '> 1. Quoted item', noteTitle: null }).topic).toBe('Quoted item');
  });

  it('takes the active note’s title when nothing is selected', () => {
    expect(topicFrom({ selection: '  ', noteTitle: '会議の議事録' })).toEqual({ title: '会議の議事録', topic: '会議の議事録', description: '' });
    expect(topicFrom({ selection: '', noteTitle: null })).toEqual({ title: '', topic: '', description: '' });
  });

  it('cuts a long topic to what the daemon accepts, without splitting a character', () => {
    const long = '議'.repeat(150);
    const { topic, title } = topicFrom({ selection: long, noteTitle: null });
    expect(Array.from(topic)).toHaveLength(TOPIC_MAX);
    expect(topic.endsWith('…')).toBe(true);
    expect(title).toBe(long);
    expect(clip('😀'.repeat(5), 3)).toBe('😀😀…');
    expect(discussionCreateSchema.shape.topic.safeParse(topic).success).toBe(true);
  });

  it('offers the first assistant as moderator and the next ones as participants', () => {
    const form = newForm({ selection: '', noteTitle: 'Plan' }, [1, 2, 3, 4, 5, 6].map((id) => assistant(id)), 'ja');
    expect(form.participants.map((p) => p.role)).toEqual(['moderator', 'participant', 'participant', 'participant', 'participant', 'none']);
    expect(form).toMatchObject({ type: 'collaborative', language: 'ja', maxRounds: '5', tokenBudget: '60000', consultVault: true });
  });

  it('keeps the choices made when the assistants are listed again', () => {
    const form = newForm({ selection: '', noteTitle: 'Plan' }, [assistant(1), assistant(2)], 'en');
    const changed = { ...form, participants: [form.participants[0]!, { ...form.participants[1]!, role: 'observer' as const }] };
    const again = withAssistants(changed, [assistant(2), assistant(3)]);
    expect(again.participants).toEqual([
      { assistantId: 2, role: 'observer', stance: '' },
      { assistantId: 3, role: 'none', stance: '' },
    ]);
  });

  it('makes a request body the contract accepts, leaving out what was not filled in', () => {
    const form = { ...newForm({ selection: 'Remote work\nDetails', noteTitle: null }, [assistant(1), assistant(2), assistant(3)], 'en'), type: 'debate' as const, maxRounds: ' 4 ', tokenBudget: '' };
    form.participants = [form.participants[0]!, { ...form.participants[1]!, stance: ' for ' }, { ...form.participants[2]!, role: 'participant', stance: '' }];
    const body = createBody(form, 3);
    expect(body).toEqual({
      title: 'Remote work',
      topic: 'Remote work',
      type: 'debate',
      description: 'Remote work\nDetails',
      participants: [
        { assistantId: 1, role: 'moderator' },
        { assistantId: 2, role: 'participant', stance: 'for' },
        { assistantId: 3, role: 'participant' },
      ],
      settings: { language: 'en', consultVault: true, vaultId: 3, maxRounds: 4 },
    });
    expect(discussionCreateSchema.safeParse(body).success).toBe(true);
    // Stances belong to debates only; more than the default number of participants raises the limit.
    const many = newForm({ selection: 'x', noteTitle: null }, [1, 2, 3, 4, 5, 6].map((id) => assistant(id)), 'en');
    many.participants = many.participants.map((p) => ({ ...p, role: p.role === 'none' ? 'observer' : p.role, stance: 'ignored' }));
    const manyBody = createBody(many, null);
    expect(manyBody.maxParticipants).toBe(6);
    expect(manyBody.participants.every((p) => !('stance' in p))).toBe(true);
    expect(discussionCreateSchema.safeParse(manyBody).success).toBe(true);
  });

  it('sends a mistyped number as it is, so the daemon names the field', () => {
    const form = { ...newForm({ selection: 'x', noteTitle: null }, [assistant(1), assistant(2)], 'en'), maxRounds: 'many' };
    const result = discussionCreateSchema.safeParse(JSON.parse(JSON.stringify(createBody(form, null))));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['settings.maxRounds', 'maxRounds must be a number']]);
  });

  it('puts each validation issue beside its field, anything else above the form', () => {
    expect(fieldOf(['settings', 'tokenBudget'])).toBe('tokenBudget');
    expect(fieldOf(['participants', '1', 'role'])).toBe('participants');
    expect(fieldOf(['maxParticipants'])).toBe('participants');
    expect(fieldOf(['settings', 'vaultId'])).toBe('form');
    expect(fieldOf([])).toBe('form');
    const refused = new DaemonError(
      { code: 'http-error', url: 'http://127.0.0.1:1', status: 400, message: 'Invalid body' },
      {
        error: {
          code: 'validation_failed',
          message: 'Invalid body',
          requestId: 'r1',
          details: { issues: [{ path: ['topic'], message: 'topic must not be empty' }, { path: ['settings', 'maxRounds'], message: 'maxRounds must be at least 1' }, { path: [], message: 'name exactly one moderator' }] },
        },
      },
    );
    expect(formErrors(refused, () => 'unused')).toEqual({ topic: ['topic must not be empty'], maxRounds: ['maxRounds must be at least 1'], form: ['name exactly one moderator'] });
    const offline = new DaemonError({ code: 'refused', url: 'http://127.0.0.1:1' });
    expect(formErrors(offline, () => 'The daemon is not running.')).toEqual({ form: ['The daemon is not running.'] });
  });
});

describe('persona icons', () => {
  const persona = (over: Partial<PersonaInfo>): PersonaInfo => ({ id: 1, name: 'Aki', personality: 'calm', description: null, iconUrl: null, imageUrl: null, iconType: 'preset', iconMetadata: {}, ...over });

  it('show a picture, an emoji or an icon from the persona, else the first letter', () => {
    expect(personaIcon(persona({ iconUrl: 'https://example.org/a.png' }), 'Aki')).toEqual({ kind: 'image', src: 'https://example.org/a.png' });
    expect(personaIcon(persona({ imageUrl: 'data:image/png;base64,AAAA' }), 'Aki')).toEqual({ kind: 'image', src: 'data:image/png;base64,AAAA' });
    expect(personaIcon(persona({ iconUrl: '🦉' }), 'Aki')).toEqual({ kind: 'emoji', text: '🦉' });
    expect(personaIcon(persona({ iconUrl: 'lucide-book-open' }), 'Aki')).toEqual({ kind: 'icon', name: 'book-open' });
    expect(personaIcon(persona({ iconUrl: 'javascript:alert(1)' }), 'aki')).toEqual({ kind: 'initial', text: 'A' });
    expect(personaIcon(null, '綾')).toEqual({ kind: 'initial', text: '綾' });
  });

  it('map the design’s preset persona icons to Obsidian icons', () => {
    const preset = persona({ iconMetadata: { icon_name: 'librarian' } });
    // A participant's persona summary has no icon metadata: the pane's personas list gives it.
    const summary = { id: 1, name: 'Lib', personality: 'calm', description: null, iconUrl: null, imageUrl: null };
    expect(personaIcon(summary, 'Lib', preset)).toEqual({ kind: 'icon', name: 'library' });
    expect(personaIcon(summary, 'Lib')).toEqual({ kind: 'initial', text: 'L' });
    expect(personaIcon(persona({ iconUrl: 'data_analyst' }), 'D')).toEqual({ kind: 'icon', name: 'calculator' });
  });
});

describe('links in messages', () => {
  it('splits text at [[links]], keeping headings and labels', () => {
    expect(textParts('See [[Roadmap]] and [[Meetings/会議#予算|the budget]].')).toEqual([
      { text: 'See ' },
      { text: 'Roadmap', link: 'Roadmap' },
      { text: ' and ' },
      { text: 'the budget', link: 'Meetings/会議#予算' },
      { text: '.' },
    ]);
    expect(textParts('No links [here].')).toEqual([{ text: 'No links [here].' }]);
    expect(textParts('')).toEqual([]);
  });
});

describe('where a discussion note is saved', () => {
  it('in the Discussions folder, under a safe name, never over an existing note', () => {
    const taken = new Set(['Discussions/協議 - Remote work.md', 'Discussions/協議 - Remote work 2.md']);
    expect(notePath('協議 - Remote work.md', (p) => taken.has(p))).toBe('Discussions/協議 - Remote work 3.md');
    expect(notePath('a/b: c#d|e.md', () => false)).toBe('Discussions/a b c d e.md');
    expect(notePath('???.md', () => false)).toBe('Discussions/Discussion.md');
  });
});

describe('the Server-Sent Events reader', () => {
  it('reads events split anywhere, with CRLF, comments and several data lines', () => {
    const parser = new EventStreamParser();
    const text = ': heartbeat\r\n\r\nevent: delta\r\nid: 4\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: state\ndata:{"b":2}\n\ndata: plain\n\n';
    const events = [...text].flatMap((char) => parser.push(char));
    expect(events).toEqual([
      { event: 'delta', data: '{"a":\n1}' },
      { event: 'state', data: '{"b":2}' },
      { event: 'message', data: 'plain' },
    ]);
    // An event is not complete until its blank line arrives.
    expect(parser.push('event: turn\ndata: x\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'turn', data: 'x' }]);
  });
});

describe('requests from the command', () => {
  it('wait for the pane when it is not listening yet, then go straight to it', () => {
    const requests = new PaneRequests();
    const got: string[] = [];
    requests.newDiscussion({ selection: 'first', noteTitle: null });
    requests.newDiscussion({ selection: 'latest', noteTitle: null });
    const stop = requests.listen((s) => got.push(s.selection));
    requests.newDiscussion({ selection: 'direct', noteTitle: null });
    stop();
    requests.newDiscussion({ selection: 'after close', noteTitle: null });
    expect(got).toEqual(['latest', 'direct']);
  });
});
