import { useId, useState, type FormEvent, type KeyboardEvent, type ReactElement } from 'react';
import { Dialog } from './Dialog';

export interface MoveDialogProps {
  title: string;
  columns: readonly string[];
  current: string;
  onMove(column: string): void;
  onClose(): void;
}

/** The keyboard way to move a card: pick a column (arrows or its number), Enter moves it. */
export function MoveDialog({ title, columns, current, onMove, onClose }: MoveDialogProps): ReactElement {
  const [choice, setChoice] = useState(current);
  const name = useId();
  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    if (choice === current) onClose();
    else onMove(choice);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>): void => {
    const digit = Number(event.key);
    if (Number.isInteger(digit) && digit >= 1 && digit <= columns.length) {
      event.preventDefault();
      setChoice(columns[digit - 1]!);
      document.getElementById(`${name}-${digit - 1}`)?.focus();
    } else if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
      submit(event);
    }
  };
  return (
    <Dialog title={`Move “${title}”`} onClose={onClose} initialFocus="input[type=radio]:checked">
      <form onSubmit={submit} onKeyDown={onKeyDown}>
        <fieldset className="move-options">
          <legend className="field-hint">Choose a column: arrow keys or its number, then Enter.</legend>
          {columns.map((column, i) => (
            <label key={column} className={`move-option${choice === column ? ' is-chosen' : ''}`}>
              <input
                id={`${name}-${i}`}
                type="radio"
                name={name}
                value={column}
                checked={choice === column}
                onChange={() => setChoice(column)}
              />
              <kbd className="kbd" aria-hidden="true">
                {i + 1}
              </kbd>
              <span>{column}</span>
              {column === current ? <span className="text-muted">(now)</span> : null}
            </label>
          ))}
        </fieldset>
        <div className="dialog-foot">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={choice === current}>
            Move
          </button>
        </div>
      </form>
    </Dialog>
  );
}
