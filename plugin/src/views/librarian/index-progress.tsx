import type { IndexProgress } from '../../../../shared/contracts/vaults';
import type { Translate } from '../../i18n';
import { indexCounts } from './index-watch';

/** The vault's index run in progress: files done of the files found, as text and as a bar. */
export function IndexProgressLine({ progress, t }: { progress: IndexProgress; t: Translate }) {
  const { done, total, counting } = indexCounts(progress);
  return (
    <div class="hisho-index-progress" role="status" data-phase={progress.phase} data-done={done} data-total={total}>
      <span class="hisho-index-progress-text">{counting ? t('librarian.indexing.scanning') : t('librarian.indexing', { done, total })}</span>
      {!counting && <progress class="hisho-index-progress-bar" max={total} value={done} />}
    </div>
  );
}
