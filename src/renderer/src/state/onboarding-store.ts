import { create } from 'zustand';
import { ApiError, type CallInput, type DeckhandEvent } from '../../../shared/contract';
import type { AgentRun, OnboardingInfo, SyncLogEntry } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';
import { useAppStore } from './app-store';

export type OnboardingStep = 1 | 2 | 3;
export type ModelChoice = CallInput<'setDefaultAgentModel'>;
/** What the model step sends, by field; errors come back the same way. */
export type FieldErrors = Partial<Record<'baseUrl' | 'model' | 'apiKey' | 'form', string>>;

/** The first task step 3 creates and watches. */
export interface FirstTask {
  boardId: string;
  taskId: string | null;
  title: string;
  run: AgentRun | null;
  notes: string | null;
  /** Set when the board is not the built-in one: the person labels a card there. */
  remote: boolean;
}

export interface OnboardingStore {
  info: OnboardingInfo | null;
  status: 'loading' | 'ready' | 'error';
  /** Shown now: first start, or asked for again (`#/welcome`). */
  open: boolean;
  step: OnboardingStep;
  busy: boolean;
  error: string | null;
  fieldErrors: FieldErrors;
  modelTest: { ok: boolean; message: string } | null;
  testing: boolean;
  first: FirstTask | null;
  load(force?: boolean): Promise<void>;
  refreshInfo(): Promise<void>;
  /** `move`: the person confirmed moving an agent an earlier setup placed. */
  chooseBoard(boardId: string, move?: boolean): Promise<void>;
  /** Set when choosing a board would move the agent from where it works: the step asks first. */
  confirmMove: { from: string; to: string } | null;
  cancelMove(): void;
  chooseModel(choice: ModelChoice): Promise<void>;
  testModel(choice: ModelChoice): Promise<void>;
  clearModelFeedback(): void;
  startFirstTask(): Promise<void>;
  finish(outcome: 'completed' | 'skipped'): Promise<boolean>;
  back(): void;
}

export const FIRST_TASK_TITLE = 'Say hello to Deckhand';

/** Field errors from the core: zod problems by path, or a message that starts with the field's name. */
export function fieldErrorsOf(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (err instanceof ApiError && err.problems?.length) {
    for (const p of err.problems) {
      const key = p.path.split('.')[0];
      if (key === 'baseUrl' || key === 'model' || key === 'apiKey') out[key] ??= p.message;
      else out.form ??= `${p.path}: ${p.message}`;
    }
    return out;
  }
  const message = describeError(err);
  const named = /^(baseUrl|model|apiKey): (.*)$/s.exec(message);
  if (named) out[named[1] as 'baseUrl' | 'model' | 'apiKey'] = named[2];
  else out.form = message;
  return out;
}

let unsubscribe: (() => void) | undefined;
let poll: ReturnType<typeof setInterval> | undefined;

function stopPolling(): void {
  if (poll) clearInterval(poll);
  poll = undefined;
}

function stopWatching(): void {
  unsubscribe?.();
  unsubscribe = undefined;
  stopPolling();
}

export const useOnboardingStore = create<OnboardingStore>()((set, get) => {
  /** A run of the default agent on the watched task (or, on a remote board, its first run there). */
  const matches = (run: AgentRun): boolean => {
    const first = get().first;
    const agentId = get().info?.agent?.id;
    if (!first || run.boardId !== first.boardId || (agentId && run.agentId !== agentId)) return false;
    return first.taskId === null ? run.taskId !== null : run.taskId === first.taskId;
  };

  /** The agent's notes as they reached the board: a field.written entry of the sync log (same for every board). */
  const notesFrom = (entry: SyncLogEntry): string | null => {
    const first = get().first;
    if (!first || entry.action !== 'field.written' || entry.field !== 'agentNotes') return null;
    if (entry.boardId !== first.boardId || entry.taskId !== first.taskId) return null;
    return typeof entry.after === 'string' ? entry.after : null;
  };

  const fetchNotes = async (run: AgentRun): Promise<void> => {
    if (!run.taskId) return;
    try {
      const { entries } = await api().call('listLog', {
        limit: 1000,
        filter: { boardId: run.boardId, taskId: run.taskId, action: 'field.written' },
      });
      const notes = entries.map(notesFrom).filter((n) => n !== null);
      if (notes.length) set((s) => (s.first ? { first: { ...s.first, notes: notes.at(-1) ?? null } } : {}));
    } catch {
      // The notes are a bonus; the run's state is what matters (and log.appended may still bring them).
    }
  };

  const receiveRun = (run: AgentRun): void => {
    if (!matches(run)) return;
    const current = get().first?.run;
    if (current && current.id === run.id && current.updatedAt > run.updatedAt) return;
    set((s) => (s.first ? { first: { ...s.first, taskId: run.taskId, run } } : {}));
    if (run.state === 'done' || run.state === 'waiting-for-human') {
      void fetchNotes(run);
      // Events stay on until the step is left: the notes may reach a remote board a moment later.
      if (run.state === 'done') stopPolling();
    }
  };

  const onEvent = (event: DeckhandEvent): void => {
    if (event.type === 'agent.state' && event.payload.run) receiveRun(event.payload.run);
    if (event.type === 'log.appended') {
      // A remote board may confirm the write after the run is done: the notes follow when it does.
      const notes = notesFrom(event.payload);
      if (notes !== null) set((s) => (s.first ? { first: { ...s.first, notes } } : {}));
    }
  };

  return {
    info: null,
    status: 'loading',
    open: false,
    step: 1,
    busy: false,
    error: null,
    fieldErrors: {},
    modelTest: null,
    testing: false,
    first: null,
    confirmMove: null,

    cancelMove() {
      set({ confirmMove: null });
    },

    async load(force = false) {
      try {
        const info = await api().call('getOnboarding', {});
        set({ info, status: 'ready', open: info.show || (force && info.agent !== null), step: 1, error: null });
      } catch (err) {
        set({ status: 'error', open: false, error: describeError(err) });
      }
    },

    async refreshInfo() {
      try {
        set({ info: await api().call('getOnboarding', {}) });
      } catch (err) {
        set({ error: describeError(err) });
      }
    },

    async chooseBoard(boardId, move) {
      set({ busy: true, error: null, confirmMove: null });
      try {
        const info =
          get().info?.agent?.boardId === boardId
            ? get().info
            : await api().call('setDefaultAgentBoard', { boardId, ...(move ? { move: true } : {}) });
        set({ info, step: 2 });
      } catch (err) {
        // An agent an earlier setup placed is not moved without asking: the step asks, then calls again.
        const message = describeError(err);
        const from = get().info?.agent?.boardId;
        if (!move && from && /^move: /.test(message)) set({ confirmMove: { from, to: boardId } });
        else set({ error: message });
      } finally {
        set({ busy: false });
      }
    },

    async chooseModel(choice) {
      set({ busy: true, error: null, fieldErrors: {} });
      try {
        const info = await api().call('setDefaultAgentModel', choice);
        set({ info, step: 3, modelTest: null });
        void useAppStore.getState().refresh();
      } catch (err) {
        set({ fieldErrors: fieldErrorsOf(err) });
      } finally {
        set({ busy: false });
      }
    },

    async testModel(choice) {
      set({ testing: true, modelTest: null, fieldErrors: {} });
      try {
        set({ modelTest: await api().call('testAgentModel', choice) });
      } catch (err) {
        set({ fieldErrors: fieldErrorsOf(err) });
      } finally {
        set({ testing: false });
      }
    },

    clearModelFeedback() {
      if (get().modelTest || Object.keys(get().fieldErrors).length) set({ modelTest: null, fieldErrors: {} });
    },

    async startFirstTask() {
      const info = get().info;
      const agent = info?.agent;
      // Once per visit of the step (StrictMode runs effects twice in development).
      if (!info || !agent || get().first) return;
      const board = info.boards.find((b) => b.id === agent.boardId);
      const remote = board?.type !== 'local';
      stopWatching();
      set({
        error: null,
        first: { boardId: agent.boardId, taskId: null, title: FIRST_TASK_TITLE, run: null, notes: null, remote },
      });
      unsubscribe = api().subscribe(onEvent);
      try {
        if (!remote) {
          // The core makes the sample card once per board; a re-run of setup gets the same card back.
          const task = await api().call('createFirstTask', { boardId: agent.boardId });
          set((s) => (s.first ? { first: { ...s.first, taskId: task.id } } : {}));
        }
        // Events carry every change; a slow poll covers a socket that is not up yet.
        const check = async (): Promise<void> => {
          const first = get().first;
          if (!first || (first.taskId === null && !first.remote)) return;
          const runs = await api().call('listRuns', {
            agentId: agent.id,
            ...(first.taskId ? { taskId: first.taskId } : {}),
            limit: 20,
          });
          const run = runs.find(matches);
          if (run) receiveRun(run);
        };
        await check();
        if (get().first?.run?.state !== 'done') poll = setInterval(() => void check().catch(() => undefined), 1000);
      } catch (err) {
        set({ error: `Could not create the first task: ${describeError(err)}` });
      }
    },

    async finish(outcome) {
      set({ busy: true, error: null });
      try {
        await api().call('completeOnboarding', { outcome });
        stopWatching();
        set({ open: false, step: 1, first: null, fieldErrors: {}, modelTest: null });
        return true;
      } catch (err) {
        set({ error: describeError(err) });
        return false;
      } finally {
        set({ busy: false });
      }
    },

    back() {
      const step = get().step;
      if (step === 3) stopWatching();
      set({ step: step === 3 ? 2 : 1, error: null, fieldErrors: {}, modelTest: null, first: null });
    },
  };
});
