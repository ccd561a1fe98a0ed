import type { AgentBudgetUse, AgentNotification, AgentRun, AgentSummary } from '../../../shared/model';

// Pure helpers for the Agents view, kept free of DOM and store code so they are unit-tested under Node.

/**
 * Where a run came from. Events arrive in order, so an event's run is always the latest word. A snapshot (the
 * answer to a call) may have been taken before events already shown, so it only replaces an older version.
 */
export type RunSource = 'event' | 'snapshot';

/** Whether a snapshot of a run says something newer than the version shown (a tie keeps what is shown). */
export function snapshotIsNewer(shown: Pick<AgentRun, 'updatedAt'> | undefined, snapshot: Pick<AgentRun, 'updatedAt'>) {
  return shown === undefined || snapshot.updatedAt > shown.updatedAt;
}

/** Puts a run in a newest-first list: replaces the one with its id, or inserts it in id order. */
export function mergeRun(runs: readonly AgentRun[], run: AgentRun, source: RunSource = 'event'): AgentRun[] {
  if (
    source === 'snapshot' &&
    !snapshotIsNewer(
      runs.find((r) => r.id === run.id),
      run,
    )
  )
    return [...runs];
  const rest = runs.filter((r) => r.id !== run.id);
  const at = rest.findIndex((r) => r.id < run.id);
  // A run older than everything shown belongs to a page not loaded yet, unless it replaced one shown.
  if (at === -1 && rest.length === runs.length && rest.length > 0) return rest;
  const index = at === -1 ? rest.length : at;
  return [...rest.slice(0, index), { ...run }, ...rest.slice(index)];
}

/**
 * A fetched first page of runs (newest first). A run shown in a newer version than the page's (from an event
 * that arrived while the page was on its way) stays as shown, and so does a run started after the page was taken.
 */
export function mergeRunPage(shown: readonly AgentRun[], page: readonly AgentRun[]): AgentRun[] {
  const byId = new Map(shown.map((r) => [r.id, r]));
  const newestInPage = page[0]?.id ?? 0;
  const startedSince = shown.filter((r) => r.id > newestInPage);
  return [
    ...startedSince,
    ...page.map((run) => {
      const current = byId.get(run.id);
      return current && !snapshotIsNewer(current, run) ? current : run;
    }),
  ];
}

/** Replaces an agent in a list (or adds it at the end), keeping the list's order. */
export function upsertAgent(agents: readonly AgentSummary[], agent: AgentSummary): AgentSummary[] {
  const index = agents.findIndex((a) => a.id === agent.id);
  if (index === -1) return [...agents, agent];
  return agents.map((a, i) => (i === index ? agent : a));
}

/** 401 ms, 4.2 s, 3 min 04 s, 2 h 05 min; a dash when there is nothing to measure yet. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Costs are in the provider's currency units (USD for the hosted ones); unknown is a dash, not zero. */
export function formatCost(cost: number | null | undefined): string {
  if (cost === null || cost === undefined || !Number.isFinite(cost)) return '—';
  if (cost === 0) return '$0.00';
  return cost < 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export interface BudgetMeter {
  key: 'runs' | 'tokens' | 'cost';
  label: string;
  used: number;
  limit: number | undefined;
  /** 0..1 of the limit, or null without a limit. */
  fraction: number | null;
  /** "3 of 50", "1,200 tokens, no limit". */
  text: string;
  tone: 'good' | 'warn' | 'bad';
}

/** Today's use against each limit, for the meters on an agent's card. */
export function budgetMeters(budget: AgentBudgetUse): BudgetMeter[] {
  const meter = (
    key: BudgetMeter['key'],
    label: string,
    used: number,
    limit: number | undefined,
    show: (n: number) => string,
  ): BudgetMeter => {
    const fraction = limit === undefined ? null : limit <= 0 ? 1 : Math.min(1, used / limit);
    const tone = fraction === null || fraction < 0.8 ? 'good' : fraction < 1 ? 'warn' : 'bad';
    const text = limit === undefined ? `${show(used)}, no limit` : `${show(used)} of ${show(limit)}`;
    return { key, label, used, limit, fraction, text, tone };
  };
  return [
    meter('runs', 'Runs', budget.runs, budget.runsPerDay, formatCount),
    meter('tokens', 'Tokens', budget.tokens, budget.tokensPerDay, formatCount),
    costMeter(budget, meter('cost', 'Cost', budget.cost, budget.costPerDay, formatCost)),
  ];
}

/**
 * A call that did not report its cost makes the day's cost unknown: never "$0.00". With some reported costs,
 * the meter shows what is known as a floor.
 */
function costMeter(budget: AgentBudgetUse, known: BudgetMeter): BudgetMeter {
  const uncosted = budget.uncostedCalls ?? 0;
  if (uncosted === 0) return known;
  const limit = budget.costPerDay === undefined ? '' : ` (limit ${formatCost(budget.costPerDay)})`;
  const calls = uncosted === 1 ? '1 call' : `${formatCount(uncosted)} calls`;
  const text =
    budget.cost > 0
      ? `at least ${formatCost(budget.cost)}; ${calls} reported no cost${limit}`
      : `unknown: ${calls} reported no cost${limit}`;
  return { ...known, text };
}

/** A notification about a run is over once that run moves on: a failed run retried, a question answered. */
export function noticeOver(notice: AgentNotification | undefined, run: Pick<AgentRun, 'id' | 'state'>): boolean {
  if (!notice || notice.runId !== run.id) return false;
  if (notice.kind === 'run-failed') return run.state !== 'failed';
  if (notice.kind === 'question-unanswered') return run.state !== 'waiting-for-human';
  return false;
}
