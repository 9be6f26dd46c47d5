import { isNotConfigured, NOT_CONFIGURED } from '../../../daemon/librarian-client';
import type { Translate } from '../../../i18n';
import { errorSentence } from '../error-text';
import type { ChatFailure } from './chat-state';

/** One sentence for why the librarian gave no (complete) answer, and whether choosing its assistant in the settings fixes it. */
export function failureText(failure: ChatFailure, t: Translate): { text: string; configure: boolean } {
  switch (failure.kind) {
    case 'answer':
      return { text: failure.message, configure: failure.code === NOT_CONFIGURED };
    case 'ended':
      return { text: t('chat.ended'), configure: false };
    case 'request':
      return { text: errorSentence(failure.error, t), configure: isNotConfigured(failure.error) };
  }
}
