import type { Database } from 'better-sqlite3';
import type { AgentBudgetUse } from '../../../shared/model';
import type { AgentConfig } from '../config';

/** The local calendar day (YYYY-MM-DD): budgets and digests follow the user's day, not UTC's. */
export function localDay(at: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** Who pauses an agent when it reaches its budget; such a pause lifts itself the next day. */
export const BUDGET_PAUSER = 'system:budget';

/** One agent's day: the reported cost, and how many calls reported none. */
interface DayUse {
  runs: number;
  tokens: number;
  cost: number;
  uncostedCalls: number;
}

/** Runs, tokens and cost per agent and local day. */
export class BudgetRepo {
  constructor(private readonly db: Database) {}

  use(agentId: string, day = localDay()): DayUse {
    const row = this.db
      .prepare(
        'SELECT runs, tokens, cost, uncosted_calls AS uncostedCalls FROM agent_usage WHERE agent_id = ? AND day = ?',
      )
      .get(agentId, day) as DayUse | undefined;
    return row ?? { runs: 0, tokens: 0, cost: 0, uncostedCalls: 0 };
  }

  /** `cost: null` is a call that did not say what it cost: counted apart, never as $0. */
  add(agentId: string, delta: { runs?: number; tokens?: number; cost?: number | null }, day = localDay()): void {
    const uncosted = 'cost' in delta && (delta.cost === null || delta.cost === undefined) ? 1 : 0;
    this.db
      .prepare(
        `INSERT INTO agent_usage (agent_id, day, runs, tokens, cost, uncosted_calls) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, day) DO UPDATE SET runs = runs + excluded.runs, tokens = tokens + excluded.tokens,
           cost = cost + excluded.cost, uncosted_calls = uncosted_calls + excluded.uncosted_calls`,
      )
      .run(agentId, day, delta.runs ?? 0, delta.tokens ?? 0, delta.cost ?? 0, uncosted);
  }
}

/** Today's use against the agent's limits, for the UI. */
export function budgetUse(agent: AgentConfig, repo: BudgetRepo, day = localDay()): AgentBudgetUse {
  const use = repo.use(agent.id, day);
  const b = agent.budget;
  return {
    day,
    ...use,
    ...(b?.runs_per_day ? { runsPerDay: b.runs_per_day } : {}),
    ...(b?.tokens_per_day ? { tokensPerDay: b.tokens_per_day } : {}),
    ...(b?.cost_per_day ? { costPerDay: b.cost_per_day } : {}),
  };
}

/** Why the agent may not start another run today, or undefined while it is within budget. */
export function budgetExceeded(agent: AgentConfig, repo: BudgetRepo, day = localDay()): string | undefined {
  const b = agent.budget;
  if (!b) return undefined;
  const use = repo.use(agent.id, day);
  const reset = 'It resumes by itself tomorrow, or raise the budget in the config.';
  if (b.runs_per_day !== undefined && use.runs >= b.runs_per_day) {
    return `daily budget reached: ${use.runs} of ${b.runs_per_day} runs today. ${reset}`;
  }
  if (b.tokens_per_day !== undefined && use.tokens >= b.tokens_per_day) {
    return `daily budget reached: ${use.tokens} of ${b.tokens_per_day} tokens today. ${reset}`;
  }
  if (b.cost_per_day !== undefined && use.cost >= b.cost_per_day) {
    return `daily budget reached: ${dollars(use.cost)} of ${dollars(b.cost_per_day)} today. ${reset}`;
  }
  return undefined;
}

/** Cents for ordinary amounts, four decimals below a cent, so a small spend never reads as its limit. */
function dollars(amount: number): string {
  return amount < 0.1 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}
