import type { ReactElement } from 'react';

/** A field value in full: text keeps its line breaks, label sets are chips, anything else is JSON. */
export function ValueView({ value }: { value: unknown }): ReactElement {
  if (value === undefined) return <span className="text-muted">—</span>;
  if (value === null) return <span className="text-muted">none</span>;
  if (typeof value === 'string') {
    return value === '' ? <span className="text-muted">(empty)</span> : <span className="value-text">{value}</span>;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    if (value.length === 0) return <span className="text-muted">(no labels)</span>;
    return (
      <span className="chips">
        {value.map((label) => (
          <span key={label} className="chip">
            {label}
          </span>
        ))}
      </span>
    );
  }
  if (typeof value === 'number' || typeof value === 'boolean') return <span className="mono">{String(value)}</span>;
  return <pre className="value-json">{JSON.stringify(value, null, 2)}</pre>;
}
