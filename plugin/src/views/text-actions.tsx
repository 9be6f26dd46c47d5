import { useState } from 'preact/hooks';
import type { Translate } from '../i18n';

/** Copy and insert-into-the-note buttons for text the librarian wrote (an answer, a summary). */
export function TextActions({ text, t, insert, cls }: { text: string; t: Translate; insert: (text: string) => void; cls: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class={cls}>
      <button type="button" class="hisho-copy" onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(true))}>
        {copied ? t('connection.copied') : t('connection.copy')}
      </button>
      <button type="button" class="hisho-insert" onClick={() => insert(text)}>
        {t('chat.insert')}
      </button>
    </div>
  );
}
