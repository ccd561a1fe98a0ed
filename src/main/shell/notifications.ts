/**
 * Desktop notifications as pure rules over core events, plus a small
 * controller that dedupes and batches them. No electron import: the shell
 * passes a `show` function (electron-notifications.ts) and tests pass a recorder.
 *
 * What notifies, and why only this: a new conflict, an agent asking a
 * question (or a question left unanswered, a budget reached, a run that
 * failed for good), a board that goes into error, and a board whose webhook
 * deliveries start being refused. Each one needs a person; everything
 * routine stays in the tray icon and the Activity view.
 */
import type { DeckhandEvent } from '../../shared/contract';
import type { AgentNotification, AgentRun, AgentSummary, AppState, Conflict } from '../../shared/model';
import { refusingDeliveries } from '../../shared/webhook';

/** One desktop notification. `view` is the hash route a click opens, e.g. `conflicts`. */
export interface DesktopNote {
  /** Same key, same notification: a replayed event never notifies twice. */
  key: string;
  /** Notes of one group that arrive together are merged into one (see `summarize`). */
  group: 'conflict' | 'question' | 'agent' | 'board' | 'webhook';
  title: string;
  body: string;
  view: string;
}

const MAX_BODY = 180;

function clip(text: string, max = MAX_BODY): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function taskRef(boardId: string, taskId: string | null | undefined): string {
  return taskId ? `task ${taskId} on ${boardId}` : boardId;
}

export function noteForConflict(conflict: Conflict): DesktopNote {
  return {
    key: `conflict:${conflict.id}`,
    group: 'conflict',
    title: 'Conflict needs you',
    body: clip(
      `${conflict.field} of ${taskRef(conflict.boardId, conflict.taskId)}: you and ${conflict.actor} both changed it.`,
    ),
    view: 'conflicts',
  };
}

/** A run that has just asked a person something; undefined for any other run change. */
export function noteForQuestion(agent: AgentSummary, run: AgentRun | undefined): DesktopNote | undefined {
  if (!run || run.state !== 'waiting-for-human' || !run.question) return undefined;
  return {
    // One note per question: the round changes when a person answers and the agent asks again.
    key: `question:${run.id}:${run.round}`,
    group: 'question',
    title: `${agent.id} has a question`,
    body: clip(`${run.question} (${taskRef(run.boardId, run.taskId)})`),
    view: 'agents',
  };
}

const AGENT_TITLES: Record<AgentNotification['kind'], string> = {
  'question-unanswered': 'A question is still unanswered',
  'budget-reached': 'Agent paused by its budget',
  'run-failed': 'Agent run failed',
};

export function noteForAgentNotification(n: AgentNotification): DesktopNote {
  return {
    // A question is overdue once; a failure or a budget stop can happen again after a retry or a new day.
    key: `agent:${n.kind}:${n.agentId}:${n.runId ?? ''}:${n.kind === 'question-unanswered' ? '' : n.at}`,
    group: 'agent',
    title: AGENT_TITLES[n.kind],
    body: clip(n.message),
    view: 'agents',
  };
}

/** Boards that are in error now and were not before (a board that stays broken notifies once). */
export function boardErrorNotes(before: AppState | undefined, after: AppState): DesktopNote[] {
  const wasBroken = new Set(before?.boards.filter((b) => b.status === 'error').map((b) => b.id) ?? []);
  return after.boards
    .filter((b) => b.status === 'error' && !wasBroken.has(b.id))
    .map((b) => ({
      // Keyed by the error too: a board that recovers and breaks again notifies again.
      key: `board:${b.id}:${b.error ?? ''}`,
      group: 'board' as const,
      title: `${b.name} is not syncing`,
      body: clip(b.error ?? 'The board reports an error.'),
      view: 'boards',
    }));
}

/**
 * Boards whose webhook deliveries started being refused (a wrong or missing token, usually). Keyed by the reason,
 * so a board that keeps refusing for the same reason notifies once, not on every delivery.
 */
export function webhookRefusedNotes(before: AppState | undefined, after: AppState): DesktopNote[] {
  const reasonBefore = new Map(
    before?.boards.filter((b) => refusingDeliveries(b.webhook)).map((b) => [b.id, b.webhook?.lastRejection]) ?? [],
  );
  return after.boards
    .filter((b) => refusingDeliveries(b.webhook) && reasonBefore.get(b.id) !== b.webhook?.lastRejection)
    .map((b) => ({
      key: `webhook:${b.id}:${b.webhook?.lastRejection ?? ''}`,
      group: 'webhook' as const,
      title: `${b.name} webhook deliveries are refused`,
      body: clip(`${b.webhook?.lastRejection ?? 'Refused'}. Changes still arrive by polling, only slower.`),
      view: 'boards',
    }));
}

/** The notes one event calls for. `before` is the state the previous `state.changed` carried. */
export function notesFor(event: DeckhandEvent, before: AppState | undefined): DesktopNote[] {
  switch (event.type) {
    case 'conflict.opened':
      return [noteForConflict(event.payload)];
    case 'agent.state': {
      const note = noteForQuestion(event.payload.agent, event.payload.run);
      return note ? [note] : [];
    }
    case 'agent.notification':
      return [noteForAgentNotification(event.payload)];
    case 'state.changed':
      return [...boardErrorNotes(before, event.payload), ...webhookRefusedNotes(before, event.payload)];
    default:
      return [];
  }
}

const GROUP_SUMMARY: Record<DesktopNote['group'], (n: number) => string> = {
  conflict: (n) => `${n} conflicts need you`,
  question: (n) => `Agents have ${n} questions`,
  agent: (n) => `${n} agent problems`,
  board: (n) => `${n} boards are not syncing`,
  webhook: (n) => `${n} boards refuse their webhook deliveries`,
};

/** Several notes of one group that arrived together become one, so a burst is one notification, not a stack. */
export function summarize(notes: readonly DesktopNote[]): DesktopNote {
  const [first] = notes;
  if (!first) throw new Error('summarize needs at least one note');
  if (notes.length === 1) return first;
  return {
    key: notes.map((n) => n.key).join('|'),
    group: first.group,
    title: GROUP_SUMMARY[first.group](notes.length),
    body: clip(notes.map((n) => n.body).join(' · ')),
    view: first.view,
  };
}

export interface NotifierDeps {
  events: { subscribe(listener: (event: DeckhandEvent) => void): () => void };
  getState(): AppState;
  /** The user's setting, read at the moment a note would be shown. */
  enabled(): boolean;
  show(note: DesktopNote): void;
  /** How long to wait for more notes of the same group before showing them (default 750 ms). */
  batchMs?: number;
}

export interface Notifier {
  dispose(): void;
}

/** How many keys to remember; old ones only matter for replays, which arrive soon after. */
const MEMORY = 2000;

export function createNotifier(deps: NotifierDeps): Notifier {
  const batchMs = deps.batchMs ?? 750;
  const seen = new Set<string>();
  const pending = new Map<DesktopNote['group'], DesktopNote[]>();
  let timer: NodeJS.Timeout | undefined;
  let before: AppState | undefined = deps.getState();
  let disposed = false;

  const remember = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > MEMORY) seen.delete(seen.values().next().value as string);
    return true;
  };

  const flush = (): void => {
    timer = undefined;
    const groups = [...pending.values()];
    pending.clear();
    if (disposed || !deps.enabled()) return;
    for (const notes of groups) deps.show(summarize(notes));
  };

  const unsubscribe = deps.events.subscribe((event) => {
    if (disposed) return;
    const notes = notesFor(event, before);
    if (event.type === 'state.changed') before = event.payload;
    for (const note of notes) {
      if (!remember(note.key)) continue;
      pending.set(note.group, [...(pending.get(note.group) ?? []), note]);
    }
    if (pending.size > 0) timer ??= setTimeout(flush, batchMs);
  });

  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
    },
  };
}
