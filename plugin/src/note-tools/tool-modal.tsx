import type { App } from 'obsidian';
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isAbort } from '../daemon/client';
import type { Translate } from '../i18n';
import { PreactModal } from '../settings/preact-modal';
import { failureText } from '../views/librarian/chat/failure-text';

export interface ToolModalOptions<T> {
  title: string;
  /** What is said while the daemon works. */
  waiting: string;
  /** The daemon call; aborted when the modal is closed first. */
  load: (signal: AbortSignal) => Promise<T>;
  /** The answer, with `close` for its buttons. */
  result: (value: T, close: () => void) => ComponentChild;
  t: Translate;
  openSettings: () => void;
  cls: string;
}

type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'error'; error: unknown };

/** A modal that asks the librarian something about a note and shows the answer, or one sentence on why there is none. */
export function openToolModal<T>(app: App, options: ToolModalOptions<T>): void {
  const controller = new AbortController();
  new PreactModal(app, options.title, (close) => <ToolBody options={options} signal={controller.signal} close={close} />, `hisho-tool-modal ${options.cls}`, () =>
    controller.abort(),
  ).open();
}

function ToolBody<T>({ options, signal, close }: { options: ToolModalOptions<T>; signal: AbortSignal; close: () => void }) {
  const { load, result, waiting, t, openSettings } = options;
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    load(signal).then(
      (value) => setLoaded({ state: 'done', value }),
      (error: unknown) => !isAbort(error) && setLoaded({ state: 'error', error }),
    );
  }, [load, signal]);

  if (loaded.state === 'loading') return <p class="hisho-tool-status" data-state="loading">{waiting}</p>;
  if (loaded.state === 'done') return <div data-state="done">{result(loaded.value, close)}</div>;
  const failure = failureText({ kind: 'request', error: loaded.error }, t);
  return (
    <div class="hisho-tool-status hisho-error" data-state="error" role="alert">
      {failure.text}{' '}
      {failure.configure && (
        <button
          type="button"
          class="hisho-open-settings mod-cta"
          onClick={() => {
            close();
            openSettings();
          }}
        >
          {t('chat.settings')}
        </button>
      )}
    </div>
  );
}
