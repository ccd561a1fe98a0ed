import type { ReactElement } from 'react';
import { ValueView } from './ValueView';

const SHOWN = new Set(['notes', 'question', 'subtasks', 'comment', 'status']);

interface Subtask {
  title?: unknown;
  estimate?: unknown;
  description?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What one provider call returned, as the agent meant it: notes, a question, subtasks; anything else as JSON. */
export function RunStepOutput({ output }: { output: unknown }): ReactElement {
  if (output === null || output === undefined) {
    return <p className="text-muted">No output: the provider has not answered (yet), or the call failed.</p>;
  }
  if (!isRecord(output)) return <ValueView value={output} />;
  const subtasks = Array.isArray(output.subtasks) ? (output.subtasks as Subtask[]) : [];
  const rest = Object.fromEntries(Object.entries(output).filter(([key]) => !SHOWN.has(key)));
  return (
    <dl className="details run-output" data-testid="run-output">
      <dt>Notes</dt>
      <dd data-testid="run-output-notes">
        <ValueView value={typeof output.notes === 'string' ? output.notes : undefined} />
      </dd>
      {typeof output.question === 'string' ? (
        <>
          <dt>Question</dt>
          <dd data-testid="run-output-question">
            <ValueView value={output.question} />
          </dd>
        </>
      ) : null}
      {subtasks.length > 0 ? (
        <>
          <dt>Subtasks</dt>
          <dd>
            <ol className="run-subtasks" data-testid="run-output-subtasks">
              {subtasks.map((s, i) => (
                <li key={i}>
                  {typeof s.title === 'string' ? s.title : JSON.stringify(s)}
                  {typeof s.estimate === 'string' ? <span className="text-muted"> · {s.estimate}</span> : null}
                </li>
              ))}
            </ol>
          </dd>
        </>
      ) : null}
      {typeof output.comment === 'string' ? (
        <>
          <dt>Comment</dt>
          <dd>
            <ValueView value={output.comment} />
          </dd>
        </>
      ) : null}
      {typeof output.status === 'string' ? (
        <>
          <dt>Move to</dt>
          <dd>{output.status}</dd>
        </>
      ) : null}
      {Object.keys(rest).length > 0 ? (
        <>
          <dt>Other</dt>
          <dd>
            <ValueView value={rest} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}
