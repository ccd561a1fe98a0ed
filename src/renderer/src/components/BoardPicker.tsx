import { useId, type ReactElement } from 'react';
import type { BoardSummary } from '../../../shared/model';

/** Chooses one of the configured boards. */
export function BoardPicker({
  boards,
  value,
  onChange,
  label = 'Board',
}: {
  boards: readonly BoardSummary[];
  value: string;
  onChange(id: string): void;
  label?: string;
}): ReactElement {
  const id = useId();
  return (
    <div className="field-inline">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)}>
        {boards.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
    </div>
  );
}
