/**
 * The Discussions pane end to end: a real daemon (PGlite) whose assistants are served by a local
 * OpenAI-compatible server speaking the real wire protocol from a script (daemon/test/ai/
 * protocol-server.ts); the plugin's real code in Chromium. A discussion is started from a selection,
 * its turns arrive token by token, the person pauses, adds a message, resumes and ends it, and the
 * discussion is saved as a note, read back from the vault. A second discussion reaches consensus and
 * a plan is drafted from it, shown in the Plans pane.
 */
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../../shared/i18n/en';
import { openaiWire, startProtocolServer, type ProtocolServer, type Received } from '../../../daemon/test/ai/protocol-server';
import { daemonApi, startDaemon, waitForVaultIndexed, type RunningDaemon } from './daemon-process';
import { writeFixtureVault, type FixtureVault } from './fixture-vault';
import { browserTestsEnabled, startHarness, type Harness } from './harness';

const enabled = browserTestsEnabled();
let daemon: RunningDaemon | undefined;
let vault: FixtureVault | undefined;
let provider: ProtocolServer | undefined;
let harness: Harness | undefined;
const assistants = { moderator: 0, alpha: 0, beta: 0 };

const SELECTION = 'The alpha roadmap and its budget\nWhen should the beta ship, and who owns the budget?';
const TOPIC = 'The alpha roadmap and its budget';
const A1 = 'The roadmap puts the beta in June, so budget planning has to start in May.';
const B1 = 'The June beta fits the budget, to answer your question.';
const A2 = 'One more point: someone has to own the budget.';
const SUMMARY = 'Summary: the beta ships in June; who owns the budget is still open.';

function h(): Harness {
  if (!harness) throw new Error('harness not started');
  return harness;
}

const daemonCall = <T>(method: string, path: string, body?: unknown) => daemonApi<T>(daemon, method, path, body);

/** A gate the test opens: the provider holds a reply there, mid-stream. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * One structured reply on the OpenAI wire for the assistant using `model`, its JSON cut in the
 * middle of the text being shown; with `hold`, the provider stops there until the gate opens.
 */
function reply(model: string, object: Record<string, unknown>, hold?: Promise<void>) {
  const json = JSON.stringify(object);
  const field = 'content' in object ? '"content":"' : '"summary":"';
  const text = String(object.content ?? object.summary);
  const cut = json.indexOf(field) + field.length + Math.ceil(text.length / 2);
  return {
    expect: 'POST /v1/chat/completions',
    check: (r: Received) => {
      expect(r.body.model).toBe(model);
      expect(r.body.response_format?.type).toBe('json_schema');
    },
    // Events: the role, the first half, (held here), the rest, the finish, the usage, [DONE].
    reply: { sse: openaiWire.stream([json.slice(0, cut), json.slice(cut)]), hold: hold ? { after: 2, until: hold } : undefined },
  };
}

const turn = (content: string, extra: Record<string, unknown> = {}) => ({ message_type: 'contribution', content, reasoning: `Why: ${content}`, confidence: 7, references: [], reply_to: null, forms_consensus: false, ...extra });

const pane = () => h().page.locator('.workspace-leaf-content[data-type="hisho-discussions"]');
const messages = () => pane().locator('.hisho-transcript .hisho-msg[data-id]');
const button = (action: string) => pane().locator(`.hisho-steering button[data-action="${action}"]`);
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });
const contents = (list: Locator) => list.locator('.hisho-msg-content').allTextContents();
const actions = () => pane().locator('.hisho-steering > .hisho-steer-buttons button').evaluateAll((els) => els.map((el) => el.getAttribute('data-action')));

beforeAll(async () => {
  if (!enabled) return;
  vault = await writeFixtureVault();
  provider = await startProtocolServer();
  daemon = await startDaemon();
  harness = await startHarness({ daemonUrl: daemon.url, token: daemon.token, vaultPath: vault.path });
  // The plugin registers the vault; turns may cite its notes once it is indexed.
  await waitForVaultIndexed(daemon, vault.path, vault.notes);
  const assistant = async (name: string, model: string, persona: Record<string, unknown>) => {
    const p = await daemonCall<{ id: number }>('POST', '/personas', { personality: `${String(persona.name)} speaks plainly.`, ...persona });
    return (await daemonCall<{ id: number }>('POST', '/assistants', { name, provider: 'openai_compatible', model, personaId: p.id, settings: { baseUrl: `${provider!.url}/v1` } })).id;
  };
  assistants.moderator = await assistant('Moderator', 'moderator-model', { name: '綾', iconUrl: '🦉' });
  assistants.alpha = await assistant('Alpha', 'alpha-model', { name: 'Aki', iconUrl: 'lightbulb' });
  assistants.beta = await assistant('Beta', 'beta-model', { name: 'Ben', iconType: 'preset', iconMetadata: { icon_name: 'librarian' } });
}, 180_000);

afterAll(async () => {
  await harness?.close();
  await daemon?.stop();
  await provider?.close();
  await vault?.remove();
});

describe.skipIf(!enabled)('the Discussions pane against a real daemon and a scripted provider', { timeout: 90_000 }, () => {
  const alphaHeld = gate();
  const alphaAgain = gate();

  it('starts a discussion about the selection: the form is prefilled, the daemon’s refusal shows beside the field', async () => {
    await h().page.evaluate((text) => {
      const { workspace } = window.hishoHarness.app;
      workspace.setActiveFile('Projects/Alpha/Roadmap.md');
      workspace.setSelection(text);
    }, SELECTION);
    await h().runCommand('start-discussion');
    const form = pane().locator('form.hisho-new-discussion');
    await poll(() => form.locator('.hisho-form-topic').inputValue()).toBe(TOPIC);
    expect(await form.locator('.hisho-form-title').inputValue()).toBe(TOPIC);
    expect(await form.locator('.hisho-form-description').inputValue()).toBe(SELECTION);
    // Each assistant with its persona; the roles the person picks.
    const row = (id: number) => form.locator(`.hisho-assistant-row[data-assistant="${id}"]`);
    expect(await row(assistants.alpha).locator('.hisho-assistant-persona').textContent()).toBe('Aki');
    expect(await row(assistants.moderator).locator('.hisho-avatar').textContent()).toBe('🦉');
    expect(await row(assistants.beta).locator('.hisho-avatar svg').getAttribute('class')).toContain('lucide-library');
    await row(assistants.moderator).locator('select').selectOption('moderator');
    await row(assistants.alpha).locator('select').selectOption('participant');
    await row(assistants.beta).locator('select').selectOption('participant');
    await form.locator('.hisho-form-max-rounds').fill('2');
    await form.locator('.hisho-form-topic').fill('');
    await h().screenshot('discussions-form');

    await form.locator('.hisho-form-start').click();
    await poll(() => form.locator('.hisho-field-error[data-field="topic"]').textContent()).toBe('topic must not be empty');
    // Nothing typed was lost.
    expect(await form.locator('.hisho-form-title').inputValue()).toBe(TOPIC);
    expect(await form.locator('.hisho-form-max-rounds').inputValue()).toBe('2');
    expect(await row(assistants.beta).locator('select').inputValue()).toBe('participant');
    await h().screenshot('discussions-form-error');

    provider!.script(
      reply('moderator-model', turn('Welcome. Let us settle the alpha roadmap and its budget.')),
      reply('alpha-model', turn(A1, { message_type: 'proposal', confidence: 8, references: ['Projects/Alpha/Roadmap.md'] }), alphaHeld.promise),
    );
    await form.locator('.hisho-form-topic').fill(TOPIC);
    await form.locator('.hisho-form-start').click();
    await poll(() => pane().locator('.hisho-discussion').getAttribute('data-status')).toBe('active');
  });

  it('shows the turns as they arrive, who is speaking, with persona icons', async () => {
    await poll(() => contents(messages())).toEqual(['Welcome. Let us settle the alpha roadmap and its budget.']);
    const streaming = pane().locator('.hisho-msg.is-streaming');
    // Alpha's turn has streamed its first half; the provider holds the rest.
    await poll(() => streaming.locator('.hisho-msg-content').textContent()).toBe(A1.slice(0, Math.ceil(A1.length / 2)));
    expect(await streaming.locator('.hisho-msg-name').textContent()).toBe('Alpha');
    const alpha = pane().locator(`.hisho-participant[data-role="participant"]`).filter({ hasText: 'Alpha' });
    await poll(() => alpha.getAttribute('data-state')).toBe('speaking');
    expect(await pane().locator('.hisho-participant[data-role="moderator"] .hisho-avatar').textContent()).toBe('🦉');
    expect(await alpha.locator('.hisho-avatar svg').getAttribute('class')).toContain('lucide-lightbulb');
    expect(await actions()).toEqual(['pause', 'redirect', 'clarify', 'terminate']);
    await h().screenshot('discussions-streaming');
  });

  it('pauses after the turn in progress, with the reason shown', async () => {
    await button('pause').click();
    await poll(() => pane().locator('.hisho-discussion').getAttribute('data-status')).toBe('paused');
    await poll(actions).toEqual(['resume', 'redirect', 'clarify', 'terminate']);
    alphaHeld.open();
    await poll(() => contents(messages())).toEqual(['Welcome. Let us settle the alpha roadmap and its budget.', A1]);
    expect(await pane().locator('.hisho-msg.is-streaming').count()).toBe(0);
    expect(await pane().locator('.hisho-pause').textContent()).toBe(en['discussions.pause.user']);

    // The stored turn: its type, confidence, the note it cites (a link that opens it), reasoning on demand.
    const a1 = messages().nth(1);
    expect(await a1.getAttribute('data-type')).toBe('proposal');
    expect(await a1.locator('.hisho-type').textContent()).toBe(en['note.discussion.message-type.proposal']);
    expect(await a1.locator('.hisho-confidence').textContent()).toBe(en['note.discussion.confidence'].replace('{value}', '8'));
    const reasoning = a1.locator('details.hisho-msg-reasoning');
    expect(await reasoning.getAttribute('open')).toBeNull();
    expect(await reasoning.locator('p').isVisible()).toBe(false);
    await reasoning.locator('summary').click();
    expect(await reasoning.locator('p').textContent()).toBe(`Why: ${A1}`);
    await a1.locator('.hisho-ref[data-path="Projects/Alpha/Roadmap.md"]').click();
    await poll(() => h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.map((l) => l.linktext))).toContain('Projects/Alpha/Roadmap.md');
    await h().screenshot('discussions-paused');
  });

  it('adds the person’s message, and the next speaker answers it after resume', async () => {
    await button('clarify').click();
    await pane().locator('.hisho-steer-panel[data-panel="clarify"] textarea').fill('What about the June beta?');
    await pane().locator('.hisho-steer-panel[data-panel="clarify"] button[type="submit"]').click();
    const mine = pane().locator('.hisho-msg.is-user[data-type="clarify"]');
    await poll(() => mine.locator('.hisho-msg-content').textContent()).toBe('What about the June beta?');
    expect(await pane().locator('.hisho-steer-panel').count()).toBe(0);

    provider!.script(
      reply('beta-model', turn(B1, { message_type: 'answer' })),
      reply('moderator-model', { summary: 'The dates are agreed; the budget owner is open.', open_points: ['Who owns the budget'], progress: 0.5, reached: false }),
      reply('alpha-model', turn(A2), alphaAgain.promise),
    );
    await button('resume').click();
    await poll(() => contents(messages())).toContain(B1);
    const b1 = messages().filter({ hasText: B1 });
    expect(await b1.getAttribute('data-type')).toBe('answer');
    // The consensus meter follows the moderator's judgement.
    const meter = pane().locator('.hisho-consensus');
    await poll(() => meter.getAttribute('data-progress')).toBe('0.5');
    expect(await meter.locator('.hisho-consensus-percent').textContent()).toBe('50%');
    await meter.locator('.hisho-open-points summary').click();
    expect(await meter.locator('.hisho-open-points li').allTextContents()).toEqual(['Who owns the budget']);
    await poll(() => pane().locator('.hisho-msg.is-streaming .hisho-msg-content').textContent()).toBe(A2.slice(0, Math.ceil(A2.length / 2)));
    await h().screenshot('discussions-resumed');
  });

  it('ends on terminate after the turn in progress, with the moderator’s summary', async () => {
    provider!.script(reply('moderator-model', turn(SUMMARY)));
    await button('terminate').click();
    await pane().locator('.hisho-steer-panel[data-panel="terminate"] button.mod-warning').click();
    // The daemon has accepted it (not just the click made) before Alpha's turn may finish.
    await poll(() => pane().locator('.hisho-discussion').getAttribute('data-status')).toBe('terminated');
    expect(await pane().locator('.hisho-stop').textContent()).toBe(en['discussions.closing']);
    alphaAgain.open();
    await poll(() => pane().locator('.hisho-stop').textContent()).toBe(en['note.discussion.stop.terminated']);
    expect(await contents(messages())).toEqual(['Welcome. Let us settle the alpha roadmap and its budget.', A1, B1, 'The dates are agreed; the budget owner is open.', A2, SUMMARY]);
    expect(await messages().last().getAttribute('data-kind')).toBe('summary');
    expect(await pane().locator('.hisho-discussion').getAttribute('data-status')).toBe('terminated');
    expect(await pane().locator('.hisho-steering').count()).toBe(0);
    provider!.verify();
    await h().screenshot('discussions-ended');
  });

  it('saves the discussion as a note in the vault and opens it', async () => {
    await pane().locator('.hisho-save-button').click();
    const saved = pane().locator('.hisho-save-result');
    await poll(() => saved.getAttribute('data-path')).toMatch(/^Discussions\/.+\.md$/);
    const path = (await saved.getAttribute('data-path'))!;
    const note = await h().page.evaluate((p) => window.hishoHarness.app.vault.text(p), path);
    expect(note).toContain(TOPIC);
    for (const text of [A1, B1, A2, SUMMARY, 'What about the June beta?']) expect(note).toContain(text);
    expect(note).toContain('```mermaid');
    await expect.poll(async () => (await h().page.evaluate(() => window.hishoHarness.app.workspace.openedLinks.map((l) => l.linktext))).at(-1)).toBe(path);
    // Saving again never overwrites the first note.
    await pane().locator('.hisho-save-button').click();
    await poll(() => saved.getAttribute('data-path')).toBe(path.replace(/\.md$/, ' 2.md'));
    await h().screenshot('discussions-saved');
  });

  it('lists the discussion with its status', async () => {
    await pane().locator('.hisho-back').click();
    const item = pane().locator('.hisho-discussion-item');
    await poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-status')).toBe('terminated');
    expect(await item.locator('.hisho-discussion-item-title').textContent()).toBe(TOPIC);
    expect(await item.locator('.hisho-status-badge').textContent()).toBe(en['discussions.status.terminated']);
    await h().screenshot('discussions-list');
  });
  it('drafts a plan from a discussion’s consensus and shows it in the Plans pane', async () => {
    const topic = 'Office days';
    provider!.script(
      reply('moderator-model', turn('Welcome. How many office days?')),
      reply('alpha-model', turn('Two a week.')),
      reply('beta-model', turn('Two a week suits me.', { message_type: 'agreement' })),
      reply('moderator-model', { summary: 'Two office days a week, from April.', open_points: [], progress: 1, reached: true }),
    );
    await h().page.evaluate((text) => window.hishoHarness.app.workspace.setSelection(text), topic);
    await h().runCommand('start-discussion');
    const form = pane().locator('form.hisho-new-discussion');
    await poll(() => form.locator('.hisho-form-topic').inputValue()).toBe(topic);
    const row = (id: number) => form.locator(`.hisho-assistant-row[data-assistant="${id}"]`);
    await row(assistants.moderator).locator('select').selectOption('moderator');
    await row(assistants.alpha).locator('select').selectOption('participant');
    await row(assistants.beta).locator('select').selectOption('participant');
    await form.locator('.hisho-form-max-rounds').fill('1');
    await form.locator('.hisho-form-start').click();
    await poll(() => pane().locator('.hisho-discussion').getAttribute('data-status')).toBe('completed');
    const draft = pane().locator('.hisho-draft-plan');
    expect(await draft.locator('select').inputValue()).toBe(String(assistants.moderator));

    const plan = {
      title: 'Office days from April',
      description: null,
      objective: 'Two office days a week',
      scope: null,
      timeline: { startDate: '2026-04-01', endDate: '2026-06-30', milestones: [] },
      resources: { people: [], cost: null, dependencies: [] },
      riskAssessment: null,
      successCriteria: ['Everyone in the office twice a week'],
    };
    provider!.script({
      expect: 'POST /v1/chat/completions',
      check: (r: Received) => {
        expect(r.body.model).toBe('moderator-model');
        expect(JSON.stringify(r.body.messages)).toContain('Two office days a week, from April.');
      },
      reply: { json: openaiWire.completion(JSON.stringify(plan)) },
    });
    await draft.locator('.hisho-draft-plan-button').click();
    const plans = h().page.locator('.workspace-leaf-content[data-type="hisho-plans"]');
    await poll(() => plans.locator('.hisho-plan-detail .hisho-plan-title').textContent()).toBe(plan.title);
    expect(await draft.locator('.hisho-draft-plan-result').textContent()).toContain(plan.title);
    provider!.verify();
    await h().screenshot('discussions-plan-drafted');
  });
});
