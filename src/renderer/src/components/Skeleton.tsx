import type { ReactElement } from 'react';

/** Grey blocks the size of the content to come, so the layout does not jump when it arrives. */
export function Skeleton({ lines = 3 }: { lines?: number }): ReactElement {
  return (
    <div className="skeleton" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" />
      ))}
    </div>
  );
}
