import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { AppState, Conflict } from '../../../shared/model';
import { ConflictCard, type Choice } from '../components/ConflictCard';
import { EmptyState } from '../components/EmptyState';
import { FieldValue } from '../components/FieldValue';
import { LoadGate } from '../components/LoadGate';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { Skeleton } from '../components/Skeleton';
import { fieldLabel, formatTime, plural } from '../format';
import { fieldProblem, fromDraft, toDraft } from '../lib/field-edit';
import { describeLogActor } from '../lib/log-entries';
import { useDocumentKeydown } from '../lib/use-document-keydown';
import { useConflictStore } from '../state/conflict-store';
import { useLiveState } from '../state/hooks';

interface CardState {
  choice: Choice | null;
  draft: string;
}

/** Keys typed into a text box or list are the box's, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== 'radio' && target.type !== 'checkbox';
}

function KeyHints(): ReactElement {
  return (
    <p className="key-hints" data-testid="key-hints">
      <span>
        <kbd className="kbd">j</kbd> <kbd className="kbd">k</kbd> or <kbd className="kbd">↑</kbd>{' '}
        <kbd className="kbd">↓</kbd> move
      </span>
      <span>
        <kbd className="kbd">h</kbd> keep human
      </span>
      <span>
        <kbd className="kbd">a</kbd> take agent
      </span>
      <span>
        <kbd className="kbd">e</kbd> edit
      </span>
      <span>
        <kbd className="kbd">Enter</kbd> accept
      </span>
    </p>
  );
}

function ResolvedList({
  resolved,
  state,
  titles,
}: {
  resolved: Conflict[];
  state: AppState;
  titles(boardId: string, taskId: string): string | undefined;
}): ReactElement {
  return (
    <Panel title="Recently resolved" aside={resolved.length ? plural(resolved.length, 'conflict') : undefined}>
      {resolved.length === 0 ? (
        <p className="text-muted">Conflicts you resolve are listed here, with who resolved them and how.</p>
      ) : (
        <ul className="resolved-list" data-testid="resolved-list">
          {resolved.map((c) => {
            const how = (c.resolution as { how?: string; value?: unknown } | null) ?? {};
            const board = state.boards.find((b) => b.id === c.boardId);
            const title = titles(c.boardId, c.taskId);
            return (
              <li key={c.id} className="resolved-item">
                <span className="resolved-what">
                  {fieldLabel(c.field)} of {title ? `“${title}”` : 'task '}
                  {title ? null : <span className="mono">{c.taskId}</span>}
                  {board ? <span className="text-muted"> on {board.name}</span> : null}
                </span>
                <span className="resolved-how">
                  {describeLogActor(c.resolvedBy ?? 'unknown')} {how.how ?? 'resolved it'}:{' '}
                  <FieldValue field={c.field} value={how.value} />
                </span>
                <time className="text-muted" dateTime={c.resolvedAt ?? undefined}>
                  {formatTime(c.resolvedAt ?? undefined)}
                </time>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

function Resolver({ state }: { state: AppState }): ReactElement {
  const open = useConflictStore((s) => s.open);
  const resolved = useConflictStore((s) => s.resolved);
  const status = useConflictStore((s) => s.status);
  const error = useConflictStore((s) => s.error);
  const pending = useConflictStore((s) => s.pending);
  const errors = useConflictStore((s) => s.errors);
  const boards = useConflictStore((s) => s.boards);
  const load = useConflictStore((s) => s.load);
  const loadBoardInfo = useConflictStore((s) => s.loadBoardInfo);
  const resolve = useConflictStore((s) => s.resolve);

  const [activeId, setActiveId] = useState<number | null>(null);
  const [cards, setCards] = useState<Record<number, CardState>>({});
  const [editorFocus, setEditorFocus] = useState<Record<number, number>>({});
  const cardRefs = useRef(new Map<number, HTMLElement>());
  const wantFocus = useRef(false);

  useEffect(() => {
    void load();
  }, [load]);

  // Names and columns for conflicts on local boards.
  const localBoards = useMemo(() => {
    const local = new Set(state.boards.filter((b) => b.type === 'local').map((b) => b.id));
    return [...new Set([...open, ...resolved].map((c) => c.boardId))].filter((id) => local.has(id)).sort();
  }, [open, resolved, state.boards]);
  const localKey = localBoards.join('\n');
  useEffect(() => {
    if (localKey) void loadBoardInfo(localKey.split('\n'));
  }, [localKey, loadBoardInfo]);

  // The active conflict stays valid: when it is resolved, the one that took its place becomes active.
  const [lastIndex, setLastIndex] = useState(0);
  const activeIndex = open.findIndex((c) => c.id === activeId);
  if (open.length > 0 && activeIndex === -1) {
    const next = open[Math.min(lastIndex, open.length - 1)]!.id;
    if (next !== activeId) setActiveId(next);
  } else if (activeIndex !== -1 && activeIndex !== lastIndex) {
    setLastIndex(activeIndex);
  }

  useEffect(() => {
    if (!wantFocus.current || activeId === null) return;
    wantFocus.current = false;
    cardRefs.current.get(activeId)?.focus();
  }, [activeId, open]);

  const cardOf = (c: Conflict): CardState => cards[c.id] ?? { choice: null, draft: toDraft(c.field, c.human) };
  const update = (c: Conflict, patch: Partial<CardState>): void =>
    setCards((all) => ({ ...all, [c.id]: { ...cardOf(c), ...patch } }));

  const choose = (c: Conflict, choice: Choice): void => {
    const card = cardOf(c);
    // The editor starts from the side chosen last (the human's by default), so small fixes are quick.
    const draft =
      choice === 'edit' && card.choice !== 'edit'
        ? toDraft(c.field, card.choice === 'agent' ? c.agent : c.human)
        : card.draft;
    update(c, { choice, draft });
    if (choice === 'edit') setEditorFocus((f) => ({ ...f, [c.id]: (f[c.id] ?? 0) + 1 }));
  };

  const problemOf = (c: Conflict, card: CardState): string | null =>
    card.choice === 'edit' ? fieldProblem(c.field, fromDraft(c.field, card.draft)) : null;

  const accept = (c: Conflict): void => {
    const card = cardOf(c);
    if (!card.choice || pending[c.id]) return;
    if (card.choice === 'edit' && problemOf(c, card) !== null) return;
    const resolution = card.choice === 'edit' ? { value: fromDraft(c.field, card.draft) } : { take: card.choice };
    wantFocus.current = true;
    void resolve(c.id, resolution);
  };

  const move = (delta: number): void => {
    if (open.length === 0) return;
    const index = Math.max(0, Math.min(open.length - 1, (activeIndex === -1 ? 0 : activeIndex) + delta));
    wantFocus.current = true;
    setActiveId(open[index]!.id);
  };

  const container = useRef<HTMLDivElement>(null);
  useDocumentKeydown((event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.altKey || event.metaKey || open.length === 0) return;
    if (document.querySelector('dialog[open]')) return;
    const inside = container.current?.contains(event.target as Node) ?? false;
    const nowhere = event.target === document.body || event.target === document.documentElement;
    // Outside the resolver only the letter shortcuts apply: Enter and arrows belong to whatever has focus.
    const lettersOnly = !inside && !nowhere;
    const active = open[activeIndex === -1 ? 0 : activeIndex]!;
    const typing = isTyping(event.target);
    if (event.key === 'Enter') {
      if (lettersOnly) return;
      if (event.target instanceof HTMLButtonElement) return; // a button's own Enter
      if (event.target instanceof HTMLTextAreaElement && !event.ctrlKey) return; // a new line
      event.preventDefault();
      accept(active);
      return;
    }
    if (typing || event.ctrlKey) return;
    const arrow = event.key === 'ArrowDown' || event.key === 'ArrowUp';
    // Radios use the arrows to pick a side.
    if (arrow && (lettersOnly || event.target instanceof HTMLInputElement)) return;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        event.preventDefault();
        move(1);
        break;
      case 'k':
      case 'ArrowUp':
        event.preventDefault();
        move(-1);
        break;
      case 'h':
        event.preventDefault();
        choose(active, 'human');
        cardRefs.current.get(active.id)?.focus();
        break;
      case 'a':
        event.preventDefault();
        choose(active, 'agent');
        cardRefs.current.get(active.id)?.focus();
        break;
      case 'e':
        event.preventDefault();
        choose(active, 'edit');
        break;
    }
  });

  if (status === 'error') {
    return (
      <Notice tone="error" title="Could not load conflicts" action={{ label: 'Try again', onClick: () => void load() }}>
        {error}
      </Notice>
    );
  }
  if (status !== 'ready') {
    return (
      <div role="status" aria-label="Loading">
        <Skeleton lines={4} />
      </div>
    );
  }

  return (
    <>
      {open.length === 0 ? (
        <Panel title="Open conflicts">
          <EmptyState title="No open conflicts">
            When a person and an agent change the same field and its ownership policy is <code>ask</code>, the conflict
            waits here for you. Set a field&apos;s policy to ask on the Ownership view.
          </EmptyState>
        </Panel>
      ) : (
        <div className="conflicts" ref={container}>
          <div className="conflicts-head">
            <h2 className="section-title">
              {plural(open.length, 'open conflict')}
              {state.counts.blockedOnHuman > 0 ? (
                <span className="text-muted"> · {state.counts.blockedOnHuman} tasks blocked on you</span>
              ) : null}
            </h2>
            <KeyHints />
          </div>
          {open.map((c) => {
            const card = cardOf(c);
            const board = state.boards.find((b) => b.id === c.boardId);
            const info = boards[c.boardId];
            const title = info?.titles[c.taskId];
            return (
              <ConflictCard
                key={c.id}
                ref={(el) => {
                  if (el) cardRefs.current.set(c.id, el);
                  else cardRefs.current.delete(c.id);
                }}
                conflict={c}
                {...(title ? { taskTitle: title } : {})}
                boardName={board?.name ?? c.boardId}
                {...(info ? { columns: info.columns } : {})}
                active={c.id === (activeId ?? open[0]!.id)}
                choice={card.choice}
                draft={card.draft}
                draftProblem={problemOf(c, card)}
                pending={pending[c.id] === true}
                {...(errors[c.id] ? { error: errors[c.id] } : {})}
                focusEditorSignal={editorFocus[c.id] ?? 0}
                onActivate={() => setActiveId(c.id)}
                onChoose={(choice) => choose(c, choice)}
                onDraftChange={(draft) => update(c, { draft })}
                onAccept={() => accept(c)}
                onLeaveEditor={() => cardRefs.current.get(c.id)?.focus()}
              />
            );
          })}
        </div>
      )}
      <ResolvedList resolved={resolved} state={state} titles={(boardId, taskId) => boards[boardId]?.titles[taskId]} />
    </>
  );
}

/** Changes from people and agents that Deckhand could not merge on its own, and how to settle them. */
export function ConflictsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page
      title="Conflicts"
      description="Edits from people and agents that Deckhand could not merge on its own. Keep a side or edit the value; the result is written to the board."
    >
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => <Resolver state={s} />}
      </LoadGate>
    </Page>
  );
}
