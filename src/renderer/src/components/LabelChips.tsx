import type { ReactElement } from 'react';
import { labelChips } from '../lib/word-diff';

/** A label set as chips; against a base, added ones are marked + and removed ones struck through. */
export function LabelChips({ labels, base }: { labels: readonly string[]; base?: readonly string[] }): ReactElement {
  const chips = labelChips(base ?? labels, labels);
  if (chips.length === 0) return <span className="text-muted">(no labels)</span>;
  return (
    <ul className="chips" aria-label="Labels">
      {chips.map((chip) => (
        <li key={chip.label} className={`chip chip-${chip.state}`}>
          {chip.state === 'added' ? (
            <span aria-hidden="true" className="chip-sign">
              +
            </span>
          ) : chip.state === 'removed' ? (
            <span aria-hidden="true" className="chip-sign">
              −
            </span>
          ) : null}
          {chip.state === 'removed' ? <del>{chip.label}</del> : chip.label}
          {chip.state !== 'kept' ? <span className="visually-hidden"> ({chip.state})</span> : null}
        </li>
      ))}
    </ul>
  );
}
