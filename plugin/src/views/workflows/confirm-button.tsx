import { useState } from 'preact/hooks';

export interface ConfirmButtonProps {
  class: string;
  action: string;
  label: string;
  /** Shown once armed, e.g. "Cancel workflow? Click again to confirm". */
  confirm: string;
  disabled: boolean;
  onConfirm: () => void;
}

/** A button for a step that cannot be undone (cancelling): the first click asks, the second acts, leaving it disarms. */
export function ConfirmButton({ class: className, action, label, confirm, disabled, onConfirm }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  return (
    <button
      type="button"
      class={armed ? `${className} mod-warning` : className}
      data-action={action}
      data-armed={armed ? 'true' : undefined}
      disabled={disabled}
      onBlur={() => setArmed(false)}
      onClick={() => {
        setArmed(!armed);
        if (armed) onConfirm();
      }}
    >
      {armed ? confirm : label}
    </button>
  );
}
