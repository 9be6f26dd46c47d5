import { useState } from 'preact/hooks';
import type { Discussion, DiscussionAction, LiveState } from '../../../../shared/contracts/discussions';
import type { InterruptionBody } from '../../daemon/discussions-client';
import type { Translate } from '../../i18n';
import { controlsFor } from './controls';

/** The actions that need words (or a second thought) before they are sent. */
type Panel = 'redirect' | 'clarify' | 'terminate';

interface SteeringProps {
  discussion: Discussion;
  live: LiveState | null;
  /** Sends the action; rejects with the daemon's refusal (shown under the buttons). */
  send: (body: InterruptionBody) => Promise<void>;
  describe: (e: unknown) => string;
  t: Translate;
}

/**
 * Pause/resume, redirect, clarify and terminate: only the buttons the daemon allows now. What
 * was typed stays in the box until the daemon accepted it, so a refusal loses nothing.
 */
export function Steering({ discussion, live, send, describe, t }: SteeringProps) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [text, setText] = useState<Record<'redirect' | 'clarify', string>>({ redirect: '', clarify: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const controls = controlsFor(discussion, live);
  const shownPanel = panel && controls.actions.includes(panel) ? panel : null;

  const run = (body: InterruptionBody, after?: () => void) => {
    setBusy(true);
    setError(null);
    send(body).then(
      () => {
        setBusy(false);
        after?.();
      },
      (e: unknown) => {
        setBusy(false);
        setError(describe(e));
      },
    );
  };

  const button = (action: DiscussionAction) => {
    const label = t(`discussions.action.${action}`);
    const onClick = () => {
      if (action === 'pause' || action === 'resume') return run({ type: action });
      setError(null);
      setPanel(panel === action ? null : action);
    };
    const waiting = (action === 'pause' && controls.pausing) || (action === 'terminate' && controls.ending);
    return (
      <button
        key={action}
        type="button"
        class={action === 'terminate' ? 'hisho-steer mod-warning' : 'hisho-steer'}
        data-action={action}
        aria-expanded={action === 'redirect' || action === 'clarify' || action === 'terminate' ? shownPanel === action : undefined}
        disabled={busy || waiting}
        onClick={onClick}
      >
        {label}
      </button>
    );
  };

  const textPanel = (kind: 'redirect' | 'clarify') => {
    const value = text[kind];
    const submit = (evt: Event) => {
      evt.preventDefault();
      const body: InterruptionBody = kind === 'redirect' ? { type: 'redirect', topic: value } : { type: 'clarify', message: value };
      run(body, () => {
        setText((all) => ({ ...all, [kind]: '' }));
        setPanel(null);
      });
    };
    return (
      <form class="hisho-steer-panel" data-panel={kind} onSubmit={submit}>
        <label class="hisho-field">
          <span class="hisho-field-label">{t(kind === 'redirect' ? 'discussions.redirect.label' : 'discussions.clarify.label')}</span>
          {kind === 'redirect' ? (
            <input type="text" value={value} onInput={(evt) => setText((all) => ({ ...all, redirect: evt.currentTarget.value }))} />
          ) : (
            <textarea rows={3} value={value} onInput={(evt) => setText((all) => ({ ...all, clarify: evt.currentTarget.value }))} />
          )}
        </label>
        <div class="hisho-steer-buttons">
          <button type="submit" class="mod-cta" disabled={busy}>
            {t(kind === 'redirect' ? 'discussions.action.redirect' : 'discussions.clarify.send')}
          </button>
          <button type="button" onClick={() => setPanel(null)}>
            {t('discussions.cancel')}
          </button>
        </div>
      </form>
    );
  };

  if (controls.actions.length === 0 && !error) return null;
  return (
    <div class="hisho-steering">
      <div class="hisho-steer-buttons">{controls.actions.map(button)}</div>
      {controls.pausing && <div class="hisho-steer-note">{t('discussions.pausing')}</div>}
      {controls.ending && <div class="hisho-steer-note">{t('discussions.ending')}</div>}
      {shownPanel === 'redirect' && textPanel('redirect')}
      {shownPanel === 'clarify' && textPanel('clarify')}
      {shownPanel === 'terminate' && (
        <div class="hisho-steer-panel" data-panel="terminate">
          <p class="hisho-steer-note">{t('discussions.terminate.confirm')}</p>
          <div class="hisho-steer-buttons">
            <button type="button" class="mod-warning" disabled={busy} onClick={() => run({ type: 'terminate' }, () => setPanel(null))}>
              {t('discussions.terminate.send')}
            </button>
            <button type="button" onClick={() => setPanel(null)}>
              {t('discussions.cancel')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <div class="hisho-error hisho-steer-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
