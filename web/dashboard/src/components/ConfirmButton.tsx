import { useState, type ReactNode } from 'react';

/** A destructive button that asks once more inline (no native dialog, which would block the page). */
export function ConfirmButton({
  children,
  confirm,
  onConfirm,
  disabled,
  testId,
}: {
  children: ReactNode;
  confirm: string;
  onConfirm: () => unknown;
  disabled?: boolean;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" disabled={disabled} data-testid={testId} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="danger solid"
        data-testid={testId && `${testId}-confirm`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirm}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
