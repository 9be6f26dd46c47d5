import { useEffect, useState } from 'preact/hooks';
import type { RelatedResponse } from '../../../../shared/contracts/search';
import type { ConnectionMonitor } from '../../connection';
import { DaemonError, isAbort } from '../../daemon/client';
import type { Translate } from '../../i18n';
import { daemonClient } from './daemon';
import { errorSentence } from './error-text';
import type { NoteHost } from './host';
import { folderOf } from './query';

type Related = { state: 'none' } | { state: 'loading' } | { state: 'done'; response: RelatedResponse } | { state: 'not-indexed' } | { state: 'error'; error: unknown };

interface RelatedProps {
  host: NoteHost;
  monitor: ConnectionMonitor;
  vault: () => string | undefined;
  t: Translate;
  /** Changes when the connection does, so a note shown while disconnected is looked up again. */
  connected: boolean;
  /** Changes when an index run ends: the note is looked up again. */
  refresh: number;
}

/** Notes related to the active note, following it as the person moves between notes. */
export function RelatedNotes({ host, monitor, vault, t, connected, refresh }: RelatedProps) {
  const [path, setPath] = useState<string | null>(() => host.activePath());
  const [related, setRelated] = useState<Related>({ state: 'none' });

  useEffect(() => host.onActiveChange(setPath), [host]);

  useEffect(() => {
    if (!path || !connected) {
      setRelated({ state: 'none' });
      return;
    }
    const controller = new AbortController();
    setRelated({ state: 'loading' });
    daemonClient(monitor)
      .then((client) => client.related(path, vault(), controller.signal))
      .then(
        (response) => !controller.signal.aborted && setRelated({ state: 'done', response }),
        (e: unknown) => {
          if (controller.signal.aborted || isAbort(e)) return;
          // 404: the note is new, or the daemon has not reached it yet.
          const notIndexed = e instanceof DaemonError && e.reason.code === 'http-error' && e.reason.status === 404;
          setRelated(notIndexed ? { state: 'not-indexed' } : { state: 'error', error: e });
        },
      );
    return () => controller.abort();
  }, [path, connected, monitor, vault, refresh]);

  return (
    <details class="hisho-section hisho-related" open>
      <summary class="hisho-section-title">{t('librarian.related.title')}</summary>
      {path && <div class="hisho-section-subtitle">{t('librarian.related.for', { title: noteName(path) })}</div>}
      {relatedBody(related, path, host, t)}
    </details>
  );
}

function noteName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(/\.md$/i, '');
}

function relatedBody(related: Related, path: string | null, host: NoteHost, t: Translate) {
  if (!path) return <p class="hisho-section-note">{t('librarian.related.none-active')}</p>;
  switch (related.state) {
    case 'none':
      return null;
    case 'loading':
      return <p class="hisho-section-note">{t('librarian.loading')}</p>;
    case 'not-indexed':
      return <p class="hisho-section-note">{t('librarian.related.not-indexed')}</p>;
    case 'error':
      return <p class="hisho-section-note hisho-error">{errorSentence(related.error, t)}</p>;
    case 'done':
      if (related.response.results.length === 0) return <p class="hisho-section-note">{t('librarian.related.empty')}</p>;
      return (
        <ul class="hisho-related-list">
          {related.response.results.map((note) => (
            <li key={note.path} class="hisho-related-item" data-path={note.path}>
              <a
                class="hisho-related-link"
                href="#"
                onClick={(evt) => {
                  evt.preventDefault();
                  host.openNote(note.path, host.isMod(evt));
                }}
              >
                {note.title}
              </a>
              {folderOf(note.path) && <span class="hisho-related-folder">{folderOf(note.path)}</span>}
              <span class="hisho-reasons">
                {note.reasons.map((reason) => (
                  <span key={reason} class={`hisho-reason hisho-reason-${reason}`} data-reason={reason}>
                    {reason === 'tag' && note.sharedTags.length > 0
                      ? `${t('librarian.reason.tag')} ${note.sharedTags.map((tag) => `#${tag}`).join(' ')}`
                      : t(`librarian.reason.${reason}`)}
                  </span>
                ))}
              </span>
            </li>
          ))}
        </ul>
      );
  }
}
