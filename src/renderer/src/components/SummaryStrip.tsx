import type { ReactElement } from 'react';
import type { Tone } from './StatTile';

export interface SummaryItem {
  label: string;
  value: number;
  tone?: Tone;
}

/** The core's counts in one quiet line, so the log below gets the room. */
export function SummaryStrip({ items }: { items: readonly SummaryItem[] }): ReactElement {
  return (
    <dl className="summary-strip">
      {items.map((item) => (
        <div key={item.label} className={`summary-item tone-${item.tone ?? 'neutral'}`}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
