import { create } from 'zustand';
import type { EventPayloads } from '../../../shared/contract';
import type { AgentNotification, AgentRun, AgentSummary } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { mergeRun, mergeRunPage, noticeOver, snapshotIsNewer, upsertAgent } from '../lib/agent-runs';
import { api } from './api';
import { useAppStore } from './app-store';
import { useConnectionStore } from './connection-store';
import type { ListStatus } from './log-store';

/** How many runs each agent's list shows at first, and how many more "Show older runs" adds. */
export const RUN_PAGE = 10;
/** A selected run's steps are fetched again this long after its last change, so a burst of changes is one call. */
const DETAIL_REFETCH_MS = 150;

export type AgentAction = 'pause' | 'resume';

export interface AgentRuns {
  /** Newest first. */
  items: AgentRun[];
  status: ListStatus;
  error: string | null;
  /** Older runs exist beyond the last one shown. */
  hasMore: boolean;
  loadingOlder: boolean;
}

export interface AgentsStore {
  /** The agents as last reported (listAgents, `agent.state`, `state.changed`); null before the first report. */
  agents: AgentSummary[] | null;
  status: ListStatus;
  error: string | null;
  runs: Record<string, AgentRuns>;
  pending: Record<string, AgentAction>;
  /** The last outcome of a pause or resume per agent. */
  messages: Record<string, { tone: 'good' | 'bad'; text: string }>;
  retrying: Record<number, true>;
  retryErrors: Record<number, string>;
  /** The latest notification per agent (a failed run, a budget reached, an unanswered question), until it is over. */
  notifications: Record<string, AgentNotification>;
  /** The run whose detail is open, with its steps once loaded. */
  selectedRunId: number | null;
  detail: AgentRun | null;
  detailStatus: ListStatus;
  detailError: string | null;
  /** Loads everything and follows events until the returned function is called (the view unmounts). */
  open(): () => void;
  reload(): Promise<void>;
  loadRuns(agentId: string): Promise<void>;
  loadOlderRuns(agentId: string): Promise<void>;
  pause(agentId: string, reason?: string): Promise<void>;
  resume(agentId: string): Promise<void>;
  retry(runId: number): Promise<void>;
  select(runId: number | null): void;
  loadDetail(): Promise<void>;
  receive(payload: EventPayloads['agent.state']): void;
  notify(notification: AgentNotification): void;
  dismissNotification(agentId: string): void;
}

// ---- The store ----

const emptyRuns = (): AgentRuns => ({ items: [], status: 'idle', error: null, hasMore: false, loadingOlder: false });

let generation = 0;
let detailTimer: ReturnType<typeof setTimeout> | undefined;

export const useAgentsStore = create<AgentsStore>()((set, get) => {
  const patchRuns = (agentId: string, patch: (r: AgentRuns) => Partial<AgentRuns>): void => {
    set((s) => {
      const current = s.runs[agentId] ?? emptyRuns();
      return { runs: { ...s.runs, [agentId]: { ...current, ...patch(current) } } };
    });
  };

  const act = async (agentId: string, action: AgentAction, op: () => Promise<string>): Promise<void> => {
    set((s) => ({ pending: { ...s.pending, [agentId]: action } }));
    try {
      const text = await op();
      set((s) => ({ messages: { ...s.messages, [agentId]: { tone: 'good', text } } }));
    } catch (err) {
      set((s) => ({
        messages: { ...s.messages, [agentId]: { tone: 'bad', text: `Could not ${action}: ${describeError(err)}` } },
      }));
    } finally {
      set((s) => {
        const { [agentId]: _done, ...rest } = s.pending;
        return { pending: rest };
      });
    }
  };

  const scheduleDetail = (): void => {
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = setTimeout(() => {
      detailTimer = undefined;
      void get().loadDetail();
    }, DETAIL_REFETCH_MS);
  };

  return {
    agents: null,
    status: 'idle',
    error: null,
    runs: {},
    pending: {},
    messages: {},
    retrying: {},
    retryErrors: {},
    notifications: {},
    selectedRunId: null,
    detail: null,
    detailStatus: 'idle',
    detailError: null,

    open() {
      const fromApp = useAppStore.getState().state?.agents;
      if (get().agents === null && fromApp) set({ agents: fromApp });
      const stopEvents = api().subscribe((event) => {
        if (event.type === 'agent.state') get().receive(event.payload);
        else if (event.type === 'agent.notification') get().notify(event.payload);
      });
      // state.changed carries the agents too (pause, resume, config); the newest report wins.
      const stopApp = useAppStore.subscribe((s, previous) => {
        if (s.state && s.state !== previous.state) set({ agents: s.state.agents });
      });
      // Events sent while the link was down are lost: fetch again when it comes back.
      const stopConnection = useConnectionStore.subscribe((s, previous) => {
        if (s.status === 'live' && previous.status !== 'live') void get().reload();
      });
      void get().reload();
      return () => {
        stopEvents();
        stopApp();
        stopConnection();
      };
    },

    async reload() {
      const mine = ++generation;
      if (get().agents === null) set({ status: 'loading', error: null });
      try {
        const agents = await api().call('listAgents', {});
        if (mine !== generation) return;
        set({ agents, status: 'ready', error: null });
        await Promise.all(agents.map((a) => get().loadRuns(a.id)));
        if (get().selectedRunId !== null) await get().loadDetail();
      } catch (err) {
        if (mine !== generation) return;
        set((s) => ({ status: s.agents ? 'ready' : 'error', error: describeError(err) }));
      }
    },

    async loadRuns(agentId) {
      const shown = get().runs[agentId];
      const limit = Math.max(RUN_PAGE, shown?.items.length ?? 0);
      if (!shown || shown.status !== 'ready') patchRuns(agentId, () => ({ status: 'loading', error: null }));
      try {
        const items = await api().call('listRuns', { agentId, limit: limit + 1 });
        patchRuns(agentId, (r) => ({
          items: mergeRunPage(r.items, items.slice(0, limit)),
          hasMore: items.length > limit,
          status: 'ready',
          error: null,
        }));
      } catch (err) {
        patchRuns(agentId, (r) => ({ status: r.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
      }
    },

    async loadOlderRuns(agentId) {
      const shown = get().runs[agentId];
      const last = shown?.items[shown.items.length - 1];
      if (!shown || !last || shown.loadingOlder) return;
      patchRuns(agentId, () => ({ loadingOlder: true, error: null }));
      try {
        const older = await api().call('listRuns', { agentId, before: last.id, limit: RUN_PAGE + 1 });
        patchRuns(agentId, (r) => {
          const known = new Set(r.items.map((x) => x.id));
          const page = older.slice(0, RUN_PAGE).filter((x) => !known.has(x.id));
          return { items: [...r.items, ...page], hasMore: older.length > RUN_PAGE, loadingOlder: false };
        });
      } catch (err) {
        patchRuns(agentId, () => ({ loadingOlder: false, error: `Could not load older runs: ${describeError(err)}` }));
      }
    },

    pause(agentId, reason) {
      return act(agentId, 'pause', async () => {
        useAppStore.getState().receive(await api().call('pauseAgent', reason ? { agentId, reason } : { agentId }));
        return 'Paused: it starts nothing new until you resume it.';
      });
    },

    resume(agentId) {
      return act(agentId, 'resume', async () => {
        useAppStore.getState().receive(await api().call('resumeAgent', { agentId }));
        return 'Resumed: queued runs start now.';
      });
    },

    async retry(runId) {
      set((s) => {
        const { [runId]: _old, ...retryErrors } = s.retryErrors;
        return { retrying: { ...s.retrying, [runId]: true }, retryErrors };
      });
      try {
        const run = await api().call('retryRun', { id: runId });
        const list = get().runs[run.agentId];
        if (list) patchRuns(run.agentId, (r) => ({ items: mergeRun(r.items, run, 'snapshot') }));
        if (get().selectedRunId === runId) await get().loadDetail();
      } catch (err) {
        set((s) => ({ retryErrors: { ...s.retryErrors, [runId]: `Could not retry: ${describeError(err)}` } }));
      } finally {
        set((s) => {
          const { [runId]: _done, ...rest } = s.retrying;
          return { retrying: rest };
        });
      }
    },

    select(runId) {
      if (detailTimer) clearTimeout(detailTimer);
      if (runId === null) {
        set({ selectedRunId: null, detail: null, detailStatus: 'idle', detailError: null });
        return;
      }
      // Show what the list already knows at once; the steps follow.
      const known = Object.values(get().runs)
        .flatMap((r) => r.items)
        .find((r) => r.id === runId);
      set({ selectedRunId: runId, detail: known ?? null, detailStatus: 'loading', detailError: null });
      void get().loadDetail();
    },

    async loadDetail() {
      const id = get().selectedRunId;
      if (id === null) return;
      try {
        const run = await api().call('getRun', { id });
        if (get().selectedRunId !== id) return;
        // The steps are new; the state may be older than an event shown meanwhile.
        set((s) => ({
          detail: s.detail && !snapshotIsNewer(s.detail, run) ? { ...s.detail, steps: run.steps } : run,
          detailStatus: 'ready',
          detailError: null,
        }));
      } catch (err) {
        if (get().selectedRunId !== id) return;
        set({ detailStatus: 'error', detailError: describeError(err) });
      }
    },

    receive({ agent, run }) {
      set((s) => ({ agents: upsertAgent(s.agents ?? [], agent) }));
      const notice = get().notifications[agent.id];
      if (notice?.kind === 'budget-reached' && !agent.pause.paused) get().dismissNotification(agent.id);
      if (!run) return;
      if (noticeOver(get().notifications[run.agentId], run)) get().dismissNotification(run.agentId);
      const list = get().runs[run.agentId];
      if (list && list.status === 'ready') patchRuns(run.agentId, (r) => ({ items: mergeRun(r.items, run) }));
      if (get().selectedRunId === run.id) {
        // Keep the steps already shown while the fresh ones are fetched.
        set((s) => ({ detail: s.detail ? { ...s.detail, ...run, steps: s.detail.steps } : run }));
        scheduleDetail();
      }
    },

    notify(notification) {
      set((s) => ({ notifications: { ...s.notifications, [notification.agentId]: notification } }));
    },

    dismissNotification(agentId) {
      set((s) => {
        const { [agentId]: _gone, ...rest } = s.notifications;
        return { notifications: rest };
      });
    },
  };
});
