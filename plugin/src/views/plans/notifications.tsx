import { useEffect, useState } from 'preact/hooks';
import type { Translate } from '../../i18n';
import { errorSentence } from '../librarian/error-text';
import { formatDateTime } from './format';
import type { NotificationFeed } from './notification-feed';

/** The unread notifications at the top of the Plans pane: open the plan each is about, or mark it read. */
export function Notifications({ feed, t, language, onOpenPlan }: { feed: NotificationFeed; t: Translate; language: string; onOpenPlan: (id: number) => void }) {
  const [items, setItems] = useState(feed.unread);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setItems(feed.unread);
    return feed.subscribe(() => setItems(feed.unread));
  }, [feed]);
  if (items.length === 0) return null;

  const markRead = (id: string) => {
    setError(null);
    feed.markRead(id).catch(setError);
  };
  return (
    <section class="hisho-notifications" aria-label={t('plans.pane.notifications')}>
      <h4 class="hisho-plan-section-title">{t('plans.pane.notifications')}</h4>
      {error !== null && <p class="hisho-error">{errorSentence(error, t)}</p>}
      <ul>
        {items.map((n) => (
          <li key={n.id} class="hisho-notification" data-id={n.id}>
            <div class="hisho-notification-message">{n.message}</div>
            <div class="hisho-notification-meta">
              <span class="hisho-notification-date">{formatDateTime(n.createdAt, language)}</span>
              {n.planId !== null && (
                <button type="button" class="hisho-notification-open" onClick={() => onOpenPlan(n.planId!)}>
                  {t('plans.pane.notification.open')}
                </button>
              )}
              <button type="button" class="hisho-notification-read" onClick={() => markRead(n.id)}>
                {t('plans.pane.notification.read')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
