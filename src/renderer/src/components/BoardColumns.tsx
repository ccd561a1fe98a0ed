import { useEffect, useRef, useState, type DragEvent, type ReactElement } from 'react';
import type { BoardTask } from '../../../shared/contract';
import { plural } from '../format';
import { useHiddenEdges } from '../lib/use-hidden-edges';
import { TaskCard } from './TaskCard';

export interface BoardColumnsProps {
  columns: readonly string[];
  tasks: readonly BoardTask[];
  busy: Readonly<Record<string, true>>;
  agentWorking(task: BoardTask): boolean;
  onOpen(task: BoardTask): void;
  onMoveRequest(task: BoardTask): void;
  onDrop(taskId: string, column: string, beforeId: string | null): void;
  onAdd(column: string): void;
  /** A card to focus after it moved (keyboard moves keep focus on the card). */
  focusTaskId: string | null;
  onFocused(): void;
}

const DRAG_TYPE = 'application/x-deckhand-task';

interface DropTarget {
  column: string;
  beforeId: string | null;
}

/** Where in a column a card would land: before the first card whose middle is below the pointer. */
function dropBefore(columnEl: HTMLElement, clientY: number, draggedId: string | null): string | null {
  const cards = [...columnEl.querySelectorAll<HTMLElement>('[data-task-id]')].filter(
    (el) => el.dataset.taskId !== draggedId,
  );
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (clientY < box.top + box.height / 2) return card.dataset.taskId ?? null;
  }
  return null;
}

/** The columns of a local board with their cards; cards move by drag and drop or with the keyboard (m). */
export function BoardColumns({
  columns,
  tasks,
  busy,
  agentWorking,
  onOpen,
  onMoveRequest,
  onDrop,
  onAdd,
  focusTaskId,
  onFocused,
}: BoardColumnsProps): ReactElement {
  const [dragging, setDragging] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const hiddenEdges = useHiddenEdges(scroller);
  const [target, setTarget] = useState<DropTarget | null>(null);

  useEffect(() => {
    if (!focusTaskId) return;
    const card = document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusTaskId)}"]`);
    if (card) {
      card.focus();
      onFocused();
    }
  }, [focusTaskId, tasks, onFocused]);

  const over = (column: string) => (event: DragEvent<HTMLElement>) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const beforeId = dropBefore(event.currentTarget, event.clientY, dragging);
    if (target?.column !== column || target.beforeId !== beforeId) setTarget({ column, beforeId });
  };

  const drop = (column: string) => (event: DragEvent<HTMLElement>) => {
    const taskId = event.dataTransfer.getData(DRAG_TYPE);
    if (!taskId) return;
    event.preventDefault();
    const beforeId = dropBefore(event.currentTarget, event.clientY, taskId);
    setTarget(null);
    setDragging(null);
    const task = tasks.find((t) => t.id === taskId);
    if (!task) return;
    // Dropping a card where it already is changes nothing.
    const inColumn = tasks.filter((t) => t.status === column);
    const nextId = inColumn[inColumn.findIndex((t) => t.id === taskId) + 1]?.id ?? null;
    if (task.status === column && (beforeId === nextId || beforeId === taskId)) return;
    onDrop(taskId, column, beforeId);
  };

  return (
    // The fade on a side with columns out of view says "there is more this way" without a scrollbar hunt.
    <div className="board-columns" data-testid="board-columns" data-hidden-edges={hiddenEdges} ref={scroller}>
      {columns.map((column) => {
        const cards = tasks.filter((t) => t.status === column);
        const isTarget = target?.column === column;
        const headingId = `column-${column.replace(/\W+/g, '-')}`;
        return (
          <section
            key={column}
            className={`board-column${isTarget ? ' is-drop-target' : ''}`}
            aria-labelledby={headingId}
            data-column={column}
            onDragOver={over(column)}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null) && isTarget) setTarget(null);
            }}
            onDrop={drop(column)}
          >
            <header className="column-head">
              <h2 className="column-title" id={headingId}>
                {column}
              </h2>
              <span className="column-count" aria-label={plural(cards.length, 'card')}>
                {cards.length}
              </span>
            </header>
            <ul className="column-cards">
              {cards.map((task) => (
                <li key={task.id} className="column-card">
                  {isTarget && target.beforeId === task.id ? <div className="drop-line" aria-hidden="true" /> : null}
                  <TaskCard
                    task={task}
                    agentWorking={agentWorking(task)}
                    busy={busy[task.id] === true}
                    dragging={dragging === task.id}
                    onOpen={() => onOpen(task)}
                    onMove={() => onMoveRequest(task)}
                    onDragStart={(event) => {
                      event.dataTransfer.setData(DRAG_TYPE, task.id);
                      event.dataTransfer.setData('text/plain', task.title);
                      event.dataTransfer.effectAllowed = 'move';
                      setDragging(task.id);
                    }}
                    onDragEnd={() => {
                      setDragging(null);
                      setTarget(null);
                    }}
                  />
                </li>
              ))}
              {isTarget && target.beforeId === null ? <li className="drop-line" aria-hidden="true" /> : null}
              {cards.length === 0 && !isTarget ? (
                <li className="column-empty" aria-hidden="true">
                  No cards
                </li>
              ) : null}
            </ul>
            <button type="button" className="button button-ghost column-add" onClick={() => onAdd(column)}>
              + Add card<span className="visually-hidden"> to {column}</span>
            </button>
          </section>
        );
      })}
    </div>
  );
}
