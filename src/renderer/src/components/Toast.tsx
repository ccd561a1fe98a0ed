import type { ReactElement } from 'react';

/** A floating error for a failed action. Fixed position, so it never pushes the layout around. */
export function Toast({ message, onDismiss }: { message: string | null; onDismiss(): void }): ReactElement {
  return (
    <div className="toast-region" aria-live="assertive">
      {message ? (
        <div className="toast" role="alert">
          <span>{message}</span>
          <button type="button" className="button button-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
