import { useEffect, useState } from 'preact/hooks';
import type { ConversationView } from '../../../daemon/librarian-schemas';
import type { Language, Translate } from '../../../i18n';
import { errorSentence } from '../error-text';

interface HistoryProps {
  load: () => Promise<ConversationView[]>;
  /** Changes when the list may have changed (an answer ended), to load it again. */
  generation: number;
  /** The conversation on screen, marked in the list. */
  current: number | null;
  onOpen: (conversation: ConversationView) => void;
  t: Translate;
  language: Language;
}

type Listing = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; items: ConversationView[] };

/** The person's past conversations with the librarian, newest first; a click opens one to read or continue. */
export function ChatHistory({ load, generation, current, onOpen, t, language }: HistoryProps) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    load().then(
      (items) => live && setListing({ state: 'ready', items }),
      (error: unknown) => live && setListing({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [load, generation]);

  if (listing.state === 'loading') return <p class="hisho-section-note">{t('librarian.loading')}</p>;
  if (listing.state === 'error') return <p class="hisho-section-note hisho-error">{errorSentence(listing.error, t)}</p>;
  if (listing.items.length === 0) return <p class="hisho-section-note">{t('chat.no-history')}</p>;
  const when = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ul class="hisho-chat-history">
      {listing.items.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            class={c.id === current ? 'hisho-history-item is-current' : 'hisho-history-item'}
            data-id={c.id}
            onClick={() => onOpen(c)}
          >
            <span class="hisho-history-title">{c.title ?? t('chat.untitled')}</span>
            <span class="hisho-history-date">{when.format(new Date(c.lastMessageAt ?? c.createdAt))}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
