import type { ReactElement } from 'react';
import { priorityName } from '../format';
import { LabelChips } from './LabelChips';
import { WordDiff } from './WordDiff';

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Fields of running text, where a word diff helps; a status or a name is simply replaced. */
const PROSE_FIELDS = new Set(['title', 'description', 'agentNotes']);

/**
 * One side of a conflicting field. With a base, the change from it is shown:
 * a word diff for running text, marked chips for labels; other values are shown as they are.
 */
export function FieldValue({ field, value, base }: { field: string; value: unknown; base?: unknown }): ReactElement {
  const compare = base !== undefined;
  if (field === 'labels' || isStringList(value)) {
    const list = isStringList(value) ? value : [];
    return <LabelChips labels={list} {...(compare && isStringList(base) ? { base } : {})} />;
  }
  if (field === 'priority' && typeof value === 'number') {
    return (
      <span>
        {priorityName(value)} <span className="text-muted mono">({value})</span>
      </span>
    );
  }
  if (value === null || value === undefined) return <span className="text-muted">none</span>;
  if (typeof value === 'string') {
    if (value === '') return <span className="text-muted">(empty)</span>;
    if (compare && PROSE_FIELDS.has(field) && typeof base === 'string' && base !== '') {
      return <WordDiff base={base} value={value} />;
    }
    return <span className="value-text">{value}</span>;
  }
  return <span className="mono">{JSON.stringify(value)}</span>;
}
