import { useEffect, useId, useRef, useState, type ReactElement, type ReactNode } from 'react';
import type { AppState, InboxItem, InboxQuestion } from '../../../shared/model';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { Skeleton } from '../components/Skeleton';
import { OpenOnBoard, taskName } from '../components/TaskLink';
import { fieldLabel, formatTime, plural } from '../format';
import { describeLogActor } from '../lib/log-entries';
import { useDocumentKeydown } from '../lib/use-document-keydown';
import { useInboxStore, type InboxAction } from '../state/inbox-store';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';

const KIND_LABEL: Record<InboxItem['kind'], string> = {
  question: 'Question',
  conflict: 'Conflict',
  'failed-run': 'Failed run',
  'braked-board': 'Board stopped',
};

function KeyHints(): ReactElement {
  return (
    <p className="key-hints" data-testid="inbox-key-hints">
      <span>
        <kbd className="kbd">j</kbd> <kbd className="kbd">k</kbd> or <kbd className="kbd">↑</kbd>{' '}
        <kbd className="kbd">↓</kbd> move
      </span>
      <span>
        <kbd className="kbd">a</kbd> answer
      </span>
      <span>
        <kbd className="kbd">Ctrl</kbd>+<kbd className="kbd">Enter</kbd> send
      </span>
      <span>
        <kbd className="kbd">Esc</kbd> back to the list
      </span>
    </p>
  );
}

/** What answering will do on the board, said before the person sends it. */
function answerEffect(item: InboxQuestion): string {
  if (item.returnColumn)
    return `Posts your answer as a comment and moves the card from ${item.blockedColumn} to ${item.returnColumn}; the agent continues.`;
  if (item.resumeOn === 'answer') return 'Posts your answer as a comment; the agent continues as soon as it sees it.';
  return 'Posts your answer as a comment; the agent continues with it.';
}

function Status({ action }: { action: InboxAction | undefined }): ReactElement {
  return (
    <p className="inbox-status" role="status">
      {action?.pending ? (
        'Sending…'
      ) : action?.error ? (
        <span className="text-bad">{action.error}</span>
      ) : (
        (action?.done ?? '')
      )}
    </p>
  );
}

function QuestionBody({
  item,
  action,
  answerRef,
  onAnswer,
  onLeave,
}: {
  item: InboxQuestion;
  action: InboxAction | undefined;
  answerRef(el: HTMLTextAreaElement | null): void;
  onAnswer(text: string): Promise<boolean>;
  onLeave(): void;
}): ReactElement {
  const [draft, setDraft] = useState('');
  const boxId = useId();
  const hintId = useId();
  const send = async (): Promise<void> => {
    if (!draft.trim() || action?.pending) return;
    if (await onAnswer(draft)) setDraft('');
  };
  return (
    <>
      <blockquote className="inbox-question" data-testid="inbox-question">
        {item.question}
      </blockquote>
      <form
        className="inbox-answer"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <label className="field-label" htmlFor={boxId}>
          Your answer
        </label>
        <textarea
          id={boxId}
          ref={answerRef}
          className="textarea"
          rows={3}
          value={draft}
          aria-describedby={hintId}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void send();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              onLeave();
            }
          }}
        />
        <p className="field-hint" id={hintId}>
          {answerEffect(item)}
        </p>
        <div className="inbox-actions">
          <button type="submit" className="button button-primary" disabled={!draft.trim() || action?.pending}>
            Send answer
          </button>
          <Status action={action} />
        </div>
      </form>
    </>
  );
}

function ItemCard({
  item,
  state,
  active,
  cardRef,
  answerRef,
  onFocus,
  onLeaveAnswer,
}: {
  item: InboxItem;
  state: AppState;
  active: boolean;
  cardRef(el: HTMLElement | null): void;
  answerRef(el: HTMLTextAreaElement | null): void;
  onFocus(): void;
  onLeaveAnswer(): void;
}): ReactElement {
  const headingId = useId();
  const action = useInboxStore((s) => s.actions[item.key]);
  const answer = useInboxStore((s) => s.answer);
  const retryRun = useInboxStore((s) => s.retryRun);
  const dismissRun = useInboxStore((s) => s.dismissRun);
  const resumeBoard = useInboxStore((s) => s.resumeBoard);
  const go = useViewStore((s) => s.go);
  const boardName = (id: string): string => state.boards.find((b) => b.id === id)?.name ?? id;

  let title: ReactNode;
  let meta: ReactNode;
  let body: ReactNode = null;
  let links: ReactNode = null;
  switch (item.kind) {
    case 'question':
      title = (
        <>
          Agent {item.agentId} asks about {taskName(item.task)}
        </>
      );
      meta = (
        <>
          on {boardName(item.task.boardId)} · run #{item.runId}
        </>
      );
      links = <OpenOnBoard task={item.task} />;
      body = (
        <QuestionBody
          item={item}
          action={action}
          answerRef={answerRef}
          onAnswer={(text) => answer(item.runId, text)}
          onLeave={onLeaveAnswer}
        />
      );
      break;
    case 'conflict':
      title = (
        <>
          {fieldLabel(item.field)} of {taskName(item.task)} changed on both sides
        </>
      );
      meta = (
        <>
          on {boardName(item.task.boardId)} · by a person and {describeLogActor(item.actor)}
        </>
      );
      links = (
        <>
          <button type="button" className="button button-secondary button-small" onClick={() => go('conflicts')}>
            Resolve in Conflicts
          </button>
          <OpenOnBoard task={item.task} />
        </>
      );
      break;
    case 'failed-run':
      title = (
        <>
          Agent {item.agentId} failed {item.task ? `on ${taskName(item.task)}` : 'its digest'}
        </>
      );
      meta = (
        <>
          {item.task ? `on ${boardName(item.task.boardId)} · ` : ''}run #{item.runId}
        </>
      );
      body = <p className="inbox-error text-bad">{item.error}</p>;
      links = (
        <>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={action?.pending}
            onClick={() => void retryRun(item.runId)}
          >
            Retry run
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={action?.pending}
            onClick={() => void dismissRun(item.runId)}
          >
            Dismiss
          </button>
          <button type="button" className="button button-ghost button-small" onClick={() => go('agents')}>
            See it in Agents
          </button>
          {item.task ? <OpenOnBoard task={item.task} /> : null}
          <Status action={action} />
        </>
      );
      break;
    case 'braked-board':
      title = <>{item.boardName} stopped syncing: many tasks vanished at once</>;
      meta = <>board {item.boardId}</>;
      body = (
        <p>
          {item.reason}. If those tasks really were deleted, resume the board and Deckhand removes them here too;
          otherwise fix the board first.
        </p>
      );
      links = (
        <>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={action?.pending}
            onClick={() => void resumeBoard(item.boardId)}
          >
            They were deleted: resume the board
          </button>
          <button type="button" className="button button-ghost button-small" onClick={() => go('boards')}>
            See it in Boards
          </button>
          <Status action={action} />
        </>
      );
      break;
  }
  return (
    <li>
      <article
        ref={cardRef}
        className={`panel inbox-item${active ? ' is-active' : ''}`}
        data-testid="inbox-item"
        data-kind={item.kind}
        aria-labelledby={headingId}
        tabIndex={active ? 0 : -1}
        onFocus={onFocus}
      >
        <div className="inbox-head">
          <span className={`pill inbox-kind inbox-kind-${item.kind}`}>{KIND_LABEL[item.kind]}</span>
          <h2 className="inbox-title" id={headingId}>
            {title}
          </h2>
          <time className="text-muted inbox-time" dateTime={item.at}>
            {formatTime(item.at)}
          </time>
        </div>
        <p className="inbox-meta text-muted">{meta}</p>
        {body}
        {links ? <div className="inbox-links">{links}</div> : null}
      </article>
    </li>
  );
}

/** Keys typed into a text box are the box's, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'radio')
  );
}

function InboxList({ state }: { state: AppState }): ReactElement {
  const items = useInboxStore((s) => s.items);
  const status = useInboxStore((s) => s.status);
  const error = useInboxStore((s) => s.error);
  const load = useInboxStore((s) => s.load);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const answers = useRef(new Map<string, HTMLTextAreaElement>());

  useEffect(() => {
    void load();
  }, [load]);

  const activeIndex = Math.max(
    0,
    items.findIndex((i) => i.key === activeKey),
  );
  const active = items[activeIndex];

  const focusAt = (index: number): void => {
    const item = items[Math.max(0, Math.min(items.length - 1, index))];
    if (!item) return;
    setActiveKey(item.key);
    cards.current.get(item.key)?.focus();
  };

  useDocumentKeydown((event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.altKey || event.metaKey || event.ctrlKey || items.length === 0) return;
    if (document.querySelector('dialog[open]') || isTyping(event.target)) return;
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        event.preventDefault();
        focusAt(activeIndex + 1);
        break;
      case 'k':
      case 'ArrowUp':
        event.preventDefault();
        focusAt(activeIndex - 1);
        break;
      case 'a':
      case 'Enter': {
        if (event.key === 'Enter' && event.target !== cards.current.get(active?.key ?? '')) return;
        const box = active && answers.current.get(active.key);
        if (!box) return;
        event.preventDefault();
        box.focus();
        break;
      }
    }
  });

  if (status === 'error') {
    return (
      <Notice tone="error" title="Could not load the inbox" action={{ label: 'Try again', onClick: () => void load() }}>
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
  if (items.length === 0) {
    return (
      <Panel title="Waiting on you">
        <EmptyState title="Nothing is waiting on you">
          Agents&apos; questions, open conflicts, failed runs and boards that stopped syncing show up here as they
          happen.
        </EmptyState>
      </Panel>
    );
  }
  return (
    <div className="inbox">
      <div className="conflicts-head">
        <p className="section-title">{plural(items.length, 'item')} waiting on you</p>
        <KeyHints />
      </div>
      <ul className="inbox-list" aria-label="Waiting on you">
        {items.map((item, index) => (
          <ItemCard
            key={item.key}
            item={item}
            state={state}
            active={index === activeIndex}
            cardRef={(el) => {
              if (el) cards.current.set(item.key, el);
              else cards.current.delete(item.key);
            }}
            answerRef={(el) => {
              if (el) answers.current.set(item.key, el);
              else answers.current.delete(item.key);
            }}
            onFocus={() => setActiveKey(item.key)}
            onLeaveAnswer={() => focusAt(index)}
          />
        ))}
      </ul>
    </div>
  );
}

/** Everything waiting on the person, most blocking first, answerable from the keyboard. */
export function InboxView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page
      title="Inbox"
      description="What waits on you: agents' questions, conflicts, failed runs and stopped boards. Answer a question here and the agent continues."
    >
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => <InboxList state={s} />}
      </LoadGate>
    </Page>
  );
}
