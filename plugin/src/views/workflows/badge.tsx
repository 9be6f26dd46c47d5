/** A workflow's or task's status, styled like a plan's (the `is-<status>` classes in styles.css). */
export function Badge({ status, label }: { status: string; label: string }) {
  return (
    <span class={`hisho-plan-status is-${status}`} data-status={status}>
      {label}
    </span>
  );
}
