import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { BoardTask } from '../../../shared/contract';
import type { Comment } from '../../../shared/task';
import { formatTime, PRIORITY_NAMES } from '../format';
import { taskFormProblems } from '../lib/field-edit';
import { describeLogActor } from '../lib/log-entries';
import { CardHistory } from './CardHistory';
import { Dialog } from './Dialog';

export interface TaskFormValues {
  title: string;
  description: string;
  status: string;
  assignee: string | null;
  priority: number;
  labels: string[];
  dueDate: string | null;
}

export interface TaskDialogProps {
  /** Absent for a new card. */
  task?: BoardTask;
  columns: readonly string[];
  /** The column a new card starts in. */
  initialStatus?: string;
  saving: boolean;
  error: string | null;
  comments?: { items: Comment[]; loading: boolean; error: string | null; posting: boolean; postError: string | null };
  /** The card's board: with it the dialog shows the agent writes ownership refused on this card. */
  boardId?: string;
  /** Only the fields that changed, for an edit. */
  onSave(values: Partial<TaskFormValues>): void;
  onDelete?(): void;
  onAddComment?(body: string): Promise<boolean>;
  onClose(): void;
}

function parseLabels(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ].sort();
}

function Field({
  label,
  children,
  hint,
  error,
  id,
}: {
  label: string;
  id: string;
  hint?: string;
  error?: string | null;
  children: ReactElement;
}): ReactElement {
  return (
    <div className="form-field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children}
      {error ? (
        <p className="field-problem" id={`${id}-problem`}>
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Create or edit a card on the local board; an edit also shows the card's agent notes and comments. */
export function TaskDialog({
  task,
  columns,
  initialStatus,
  saving,
  error,
  comments,
  onSave,
  onDelete,
  onAddComment,
  onClose,
  boardId,
}: TaskDialogProps): ReactElement {
  const id = useId();
  const [title, setTitle] = useState(task?.title ?? '');
  const [description, setDescription] = useState(task?.description ?? '');
  const [status, setStatus] = useState(task?.status ?? initialStatus ?? columns[0] ?? '');
  const [assignee, setAssignee] = useState(task?.assignee ?? '');
  const [priority, setPriority] = useState(task?.priority ?? 0);
  const [labels, setLabels] = useState((task?.labels ?? []).join(', '));
  const [dueDate, setDueDate] = useState(task?.dueDate ?? '');
  const [titleError, setTitleError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [comment, setComment] = useState('');

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (title.trim() === '') {
      setTitleError('A card needs a title.');
      document.getElementById(`${id}-title`)?.focus();
      return;
    }
    // The core would refuse these too; said here, by the field, instead of as a raw error after a round trip.
    const problems = taskFormProblems({ title });
    if (problems.title) {
      setTitleError(problems.title);
      document.getElementById(`${id}-title`)?.focus();
      return;
    }
    const values: TaskFormValues = {
      title: title.trim(),
      description,
      status,
      assignee: assignee.trim() === '' ? null : assignee.trim(),
      priority,
      labels: parseLabels(labels),
      dueDate: dueDate === '' ? null : dueDate,
    };
    if (!task) return onSave(values);
    const changed: Partial<TaskFormValues> = {};
    for (const key of Object.keys(values) as (keyof TaskFormValues)[]) {
      if (JSON.stringify(values[key]) !== JSON.stringify(task[key])) Object.assign(changed, { [key]: values[key] });
    }
    if (Object.keys(changed).length === 0) return onClose();
    onSave(changed);
  };

  return (
    <Dialog title={task ? `Edit card #${task.id}` : 'New card'} onClose={onClose} size="large">
      <form id={`${id}-form`} onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field label="Title" id={`${id}-title`} error={titleError}>
            <input
              id={`${id}-title`}
              className="input"
              value={title}
              required
              aria-invalid={titleError ? true : undefined}
              aria-describedby={titleError ? `${id}-title-problem` : undefined}
              onChange={(e) => {
                setTitle(e.target.value);
                if (titleError) setTitleError(null);
              }}
            />
          </Field>
          <Field label="Description" id={`${id}-description`}>
            <textarea
              id={`${id}-description`}
              className="input textarea"
              rows={4}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          <div className="form-row">
            <Field label="Column" id={`${id}-status`}>
              <select id={`${id}-status`} className="select" value={status} onChange={(e) => setStatus(e.target.value)}>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Priority" id={`${id}-priority`}>
              <select
                id={`${id}-priority`}
                className="select"
                value={priority}
                onChange={(e) => setPriority(Number(e.target.value))}
              >
                {PRIORITY_NAMES.map((name, value) => (
                  <option key={name} value={value}>
                    {name}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div className="form-row">
            <Field label="Assignee" id={`${id}-assignee`} hint="Leave empty for nobody.">
              <input
                id={`${id}-assignee`}
                className="input"
                value={assignee}
                aria-describedby={`${id}-assignee-hint`}
                onChange={(e) => setAssignee(e.target.value)}
              />
            </Field>
            <Field label="Due date" id={`${id}-due`}>
              <input
                id={`${id}-due`}
                className="input"
                type="date"
                value={dueDate}
                onChange={(e) => setDueDate(e.target.value)}
              />
            </Field>
          </div>
          <Field
            label="Labels"
            id={`${id}-labels`}
            hint="Separate with commas. needs-ai sends a card to an agent; needs-human-review keeps agents away."
          >
            <input
              id={`${id}-labels`}
              className="input"
              value={labels}
              aria-describedby={`${id}-labels-hint`}
              onChange={(e) => setLabels(e.target.value)}
            />
          </Field>
          {task && task.agentNotes.trim() !== '' ? (
            <div className="form-field">
              <span className="field-label">Agent notes</span>
              <p className="agent-notes-text readonly">{task.agentNotes}</p>
              <p className="field-hint">Written by agents; see Ownership to change who may write them.</p>
            </div>
          ) : null}
        </div>
      </form>
      {task && comments ? (
        <section className="comments" aria-labelledby={`${id}-comments`}>
          <h3 className="section-title" id={`${id}-comments`}>
            Comments
          </h3>
          {comments.loading ? (
            <p className="text-muted" role="status">
              Loading comments…
            </p>
          ) : comments.error ? (
            <p className="text-bad">Could not load comments: {comments.error}</p>
          ) : comments.items.length === 0 ? (
            <p className="text-muted">No comments yet. Agents ask their questions here.</p>
          ) : (
            <ul className="comment-list">
              {comments.items.map((c) => (
                <li key={c.id} className="comment">
                  <span className="comment-meta">
                    {describeLogActor(c.author)} · {formatTime(c.createdAt)}
                  </span>
                  <p className="comment-body">{c.body}</p>
                </li>
              ))}
            </ul>
          )}
          <form
            className="comment-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (comment.trim() === '' || !onAddComment) return;
              void onAddComment(comment).then((ok) => {
                if (ok) setComment('');
              });
            }}
          >
            <label htmlFor={`${id}-comment`} className="visually-hidden">
              New comment
            </label>
            <textarea
              id={`${id}-comment`}
              className="input textarea"
              rows={2}
              placeholder="Write a comment or answer an agent's question"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
            <div className="comment-actions">
              {comments.postError ? <span className="text-bad">{comments.postError}</span> : null}
              <button
                type="submit"
                className="button button-secondary"
                disabled={comments.posting || comment.trim() === ''}
              >
                {comments.posting ? 'Posting…' : 'Add comment'}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {task && boardId ? <CardHistory boardId={boardId} taskId={task.id} /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-foot">
        {task && onDelete ? (
          confirmDelete ? (
            <span className="confirm-delete">
              Delete this card?
              <button type="button" className="button button-danger" onClick={onDelete} disabled={saving}>
                Delete
              </button>
              <button type="button" className="button button-ghost" onClick={() => setConfirmDelete(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button
              type="button"
              className="button button-ghost button-danger-text"
              onClick={() => setConfirmDelete(true)}
            >
              Delete…
            </button>
          )
        ) : null}
        <span className="dialog-foot-spacer" />
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          form={`${id}-form`}
          className="button button-primary"
          disabled={saving}
          aria-busy={saving}
        >
          {saving ? 'Saving…' : task ? 'Save' : 'Create card'}
        </button>
      </div>
    </Dialog>
  );
}
