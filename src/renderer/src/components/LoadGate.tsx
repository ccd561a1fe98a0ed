import type { ReactElement, ReactNode } from 'react';
import { Notice } from './Notice';
import { Skeleton } from './Skeleton';

export interface LoadGateProps<T> {
  value: T | null;
  error: string | null;
  onRetry(): void;
  /** Roughly how tall the content will be, in lines, for the placeholder. */
  lines?: number;
  children(value: T): ReactNode;
}

/** Loading, failed, or ready: the three states every view has before it has data. */
export function LoadGate<T>({ value, error, onRetry, lines = 4, children }: LoadGateProps<T>): ReactElement {
  if (value !== null) return <>{children(value)}</>;
  if (error !== null) {
    return (
      <Notice
        tone="error"
        title="Could not load the state from Deckhand"
        action={{ label: 'Try again', onClick: onRetry }}
      >
        {error}
      </Notice>
    );
  }
  return (
    <div role="status" aria-label="Loading">
      <Skeleton lines={lines} />
    </div>
  );
}
