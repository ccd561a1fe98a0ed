import { useEffect, useEffectEvent, useId, useState, type ReactElement } from 'react';
import type { AgentSummary, BoardSummary } from '../../../shared/model';
import { LOG_KINDS, isFiltered, type LogFilter } from '../lib/log-entries';

export interface LogFiltersProps {
  filter: LogFilter;
  boards: readonly BoardSummary[];
  agents: readonly AgentSummary[];
  onChange(patch: Partial<LogFilter>): void;
  onClear(): void;
}

/** Typing is applied after a short pause, so each keystroke does not start a query. */
const TYPING_DELAY_MS = 250;

/** A text box whose value is sent after the person stops typing, and that follows outside changes. */
function DelayedInput({
  label,
  value,
  placeholder,
  type = 'text',
  onCommit,
  className,
}: {
  label: string;
  value: string;
  placeholder: string;
  type?: 'text' | 'search';
  onCommit(value: string): void;
  className?: string;
}): ReactElement {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [committed, setCommitted] = useState(value);
  // Follow changes made elsewhere ("Only this task", "Clear filters").
  if (value !== committed) {
    setCommitted(value);
    setDraft(value);
  }
  // Not a dependency: a parent re-rendering (live log entries) must not restart the pause.
  const commit = useEffectEvent((text: string) => onCommit(text));
  useEffect(() => {
    if (draft === committed) return;
    const timer = setTimeout(() => {
      setCommitted(draft);
      commit(draft);
    }, TYPING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, committed]);
  return (
    <div className={`filter ${className ?? ''}`}>
      <label htmlFor={id} className="filter-label">
        {label}
      </label>
      <input
        id={id}
        className="input"
        type={type}
        value={draft}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            setCommitted(draft);
            onCommit(draft);
          }
        }}
      />
    </div>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string; group?: string }[];
  onChange(value: string): void;
}): ReactElement {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id} className="filter-label">
        {label}
      </label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The Activity filters: board, who, kind, task and a text search. */
export function LogFilters({ filter, boards, agents, onChange, onClear }: LogFiltersProps): ReactElement {
  const actorOptions = [
    { value: '', label: 'Anyone' },
    { value: 'human', label: 'People' },
    { value: 'agent', label: 'All agents' },
    ...agents.map((a) => ({ value: `agent:${a.id}`, label: `Agent ${a.id}` })),
    { value: 'system', label: 'Deckhand itself' },
  ];
  // An actor typed into the URL or picked elsewhere still shows.
  if (filter.actor && !actorOptions.some((o) => o.value === filter.actor)) {
    actorOptions.push({ value: filter.actor, label: filter.actor });
  }
  return (
    <div className="filters" role="search" aria-label="Filter the sync log">
      <Select
        label="Board"
        value={filter.boardId ?? ''}
        options={[{ value: '', label: 'All boards' }, ...boards.map((b) => ({ value: b.id, label: b.name }))]}
        onChange={(boardId) => onChange({ boardId })}
      />
      <Select label="Who" value={filter.actor ?? ''} options={actorOptions} onChange={(actor) => onChange({ actor })} />
      <Select
        label="Kind"
        value={filter.action ?? ''}
        options={[{ value: '', label: 'Everything' }, ...LOG_KINDS]}
        onChange={(action) => onChange({ action })}
      />
      <DelayedInput
        label="Task"
        className="filter-task"
        value={filter.taskId ?? ''}
        placeholder="Task id"
        onCommit={(taskId) => onChange({ taskId })}
      />
      <DelayedInput
        label="Search"
        className="filter-search"
        type="search"
        value={filter.text ?? ''}
        placeholder="Values, reasons…"
        onCommit={(text) => onChange({ text })}
      />
      <button
        type="button"
        className="button button-ghost filter-clear"
        onClick={onClear}
        disabled={!isFiltered(filter)}
      >
        Clear filters
      </button>
    </div>
  );
}
