import type { PlanStatus } from '../../../../shared/contracts/plans';
import type { Translate } from '../../i18n';

export function StatusBadge({ status, t }: { status: PlanStatus; t: Translate }) {
  return (
    <span class={`hisho-plan-status is-${status}`} data-status={status}>
      {t(`plans.status.${status}`)}
    </span>
  );
}
