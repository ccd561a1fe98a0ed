import { useEffect, useId, useRef, type ReactElement, type Ref } from 'react';
import type { Conflict } from '../../../shared/model';
import { fieldLabel, formatTime, PRIORITY_NAMES } from '../format';
import { editorKind } from '../lib/field-edit';
import { describeLogActor } from '../lib/log-entries';
import { FieldValue } from './FieldValue';

export type Choice = 'human' | 'agent' | 'edit';

export interface ConflictCardProps {
  conflict: Conflict;
  /** The task's title, when the board could tell it. */
  taskTitle?: string;
  boardName: string;
  /** The board's columns, for editing a status; a text box otherwise. */
  columns?: readonly string[];
  active: boolean;
  choice: Choice | null;
  draft: string;
  /** Why the edited value is not acceptable yet. */
  draftProblem: string | null;
  pending: boolean;
  error?: string;
  /** Bumped to move focus into the editor (the `e` key). */
  focusEditorSignal: number;
  onActivate(): void;
  onChoose(choice: Choice): void;
  onDraftChange(draft: string): void;
  onAccept(): void;
  /** Esc in the editor: back to the card. */
  onLeaveEditor(): void;
  ref?: Ref<HTMLElement>;
}

function Kbd({ children }: { children: string }): ReactElement {
  return (
    <kbd className="kbd" aria-hidden="true">
      {children}
    </kbd>
  );
}

function Editor({
  id,
  field,
  draft,
  columns,
  problem,
  focusSignal,
  onChange,
  onLeave,
}: {
  id: string;
  field: string;
  draft: string;
  columns?: readonly string[];
  problem: string | null;
  focusSignal: number;
  onChange(draft: string): void;
  onLeave(): void;
}): ReactElement {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement & HTMLSelectElement>(null);
  useEffect(() => {
    if (focusSignal > 0) ref.current?.focus();
  }, [focusSignal]);
  const kind = editorKind(field);
  const problemId = `${id}-problem`;
  const common = {
    id,
    ref,
    'aria-invalid': problem !== null,
    'aria-describedby': problem ? problemId : `${id}-hint`,
    onKeyDown: (e: { key: string; preventDefault(): void }) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onLeave();
      }
    },
  };
  let control: ReactElement;
  if (kind === 'multiline') {
    control = (
      <textarea
        {...common}
        className="input textarea"
        rows={4}
        value={draft}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else if (kind === 'priority') {
    control = (
      <select {...common} className="select" value={draft} onChange={(e) => onChange(e.target.value)}>
        {PRIORITY_NAMES.map((name, value) => (
          <option key={name} value={String(value)}>
            {name}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'status' && columns && columns.length > 0) {
    control = (
      <select {...common} className="select" value={draft} onChange={(e) => onChange(e.target.value)}>
        {columns.includes(draft) ? null : <option value={draft}>{draft || '(choose a column)'}</option>}
        {columns.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        {...common}
        className="input"
        type={kind === 'date' ? 'date' : 'text'}
        value={draft}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={kind === 'line'}
      />
    );
  }
  return (
    <div className="conflict-editor">
      <label htmlFor={id} className="field-label">
        New value for {fieldLabel(field).toLowerCase()}
      </label>
      {control}
      {problem ? (
        <p id={problemId} className="field-problem">
          {problem}
        </p>
      ) : (
        <p id={`${id}-hint`} className="field-hint">
          {kind === 'labels'
            ? 'Separate labels with commas. '
            : kind === 'optional-line' || kind === 'date'
              ? 'Leave empty for none. '
              : ''}
          {kind === 'multiline' ? 'Ctrl+Enter accepts' : 'Enter accepts'}; Esc goes back to the card.
        </p>
      )}
    </div>
  );
}

/**
 * One conflicting field: base, the human's value and the agent's value side by
 * side, each side showing how it changed the base. Keep a side, or edit.
 */
export function ConflictCard({
  conflict,
  taskTitle,
  boardName,
  columns,
  active,
  choice,
  draft,
  draftProblem,
  pending,
  error,
  focusEditorSignal,
  onActivate,
  onChoose,
  onDraftChange,
  onAccept,
  onLeaveEditor,
  ref,
}: ConflictCardProps): ReactElement {
  const id = useId();
  const titleId = `${id}-title`;
  const group = `${id}-choice`;
  const field = fieldLabel(conflict.field);
  const agent = describeLogActor(conflict.actor);
  const canAccept = choice !== null && !pending && (choice !== 'edit' || draftProblem === null);
  return (
    <article
      ref={ref}
      className={`conflict-card panel${active ? ' is-active' : ''}`}
      aria-labelledby={titleId}
      tabIndex={active ? 0 : -1}
      onFocus={onActivate}
      onClick={onActivate}
      data-testid="conflict-card"
    >
      <header className="conflict-head">
        <h2 className="conflict-title" id={titleId}>
          {field} of {taskTitle ? `“${taskTitle}”` : `task ${conflict.taskId}`}
        </h2>
        <p className="conflict-meta">
          <span>{boardName}</span>
          <span aria-hidden="true">·</span>
          <span className="mono">task {conflict.taskId}</span>
          <span aria-hidden="true">·</span>
          <span>{agent}</span>
          <span aria-hidden="true">·</span>
          <span>opened {formatTime(conflict.openedAt)}</span>
        </p>
      </header>
      <fieldset className="conflict-sides" disabled={pending}>
        <legend className="visually-hidden">Which value should {field.toLowerCase()} have?</legend>
        <div className="side side-base">
          <span className="side-label">Base</span>
          <span className="side-hint">before either change</span>
          <div className="side-value" data-testid="side-base">
            <FieldValue field={conflict.field} value={conflict.base} />
          </div>
        </div>
        <label className={`side side-choice side-human${choice === 'human' ? ' is-chosen' : ''}`}>
          <span className="side-label">
            <input
              type="radio"
              name={group}
              value="human"
              checked={choice === 'human'}
              onChange={() => onChoose('human')}
            />
            Keep human <Kbd>h</Kbd>
          </span>
          <span className="side-hint">changed on the board</span>
          <div className="side-value" data-testid="side-human">
            <FieldValue field={conflict.field} value={conflict.human} base={conflict.base} />
          </div>
        </label>
        <label className={`side side-choice side-agent${choice === 'agent' ? ' is-chosen' : ''}`}>
          <span className="side-label">
            <input
              type="radio"
              name={group}
              value="agent"
              checked={choice === 'agent'}
              onChange={() => onChoose('agent')}
            />
            Take agent <Kbd>a</Kbd>
          </span>
          <span className="side-hint">{agent}</span>
          <div className="side-value" data-testid="side-agent">
            <FieldValue field={conflict.field} value={conflict.agent} base={conflict.base} />
          </div>
        </label>
        <label className={`side-edit${choice === 'edit' ? ' is-chosen' : ''}`}>
          <input type="radio" name={group} value="edit" checked={choice === 'edit'} onChange={() => onChoose('edit')} />
          Edit and accept <Kbd>e</Kbd>
        </label>
      </fieldset>
      {choice === 'edit' ? (
        <Editor
          id={`${id}-editor`}
          field={conflict.field}
          draft={draft}
          {...(columns ? { columns } : {})}
          problem={draftProblem}
          focusSignal={focusEditorSignal}
          onChange={onDraftChange}
          onLeave={onLeaveEditor}
        />
      ) : null}
      <footer className="conflict-foot">
        <p className="conflict-status" role="status">
          {error ? <span className="text-bad">Not resolved: {error}</span> : pending ? 'Resolving…' : null}
        </p>
        <button
          type="button"
          className="button button-primary"
          disabled={!canAccept}
          aria-busy={pending}
          onClick={(e) => {
            e.stopPropagation();
            onAccept();
          }}
        >
          Accept <Kbd>Enter</Kbd>
        </button>
      </footer>
    </article>
  );
}
