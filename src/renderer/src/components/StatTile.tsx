import type { ReactElement } from 'react';

export type Tone = 'neutral' | 'good' | 'warn' | 'bad';

export interface StatTileProps {
  label: string;
  value: number | string;
  hint?: string;
  tone?: Tone;
}

/** A labelled number; the tone only adds colour, the words carry the meaning. */
export function StatTile({ label, value, hint, tone = 'neutral' }: StatTileProps): ReactElement {
  return (
    <div className={`stat tone-${tone}`}>
      <dt className="stat-label">{label}</dt>
      <dd className="stat-value">{value}</dd>
      {hint ? <dd className="stat-hint">{hint}</dd> : null}
    </div>
  );
}

export function StatGrid({ children }: { children: ReactElement | ReactElement[] }): ReactElement {
  return <dl className="stat-grid">{children}</dl>;
}
