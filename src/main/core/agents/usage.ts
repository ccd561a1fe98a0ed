import type { ProviderUsage } from './types';

/**
 * What an agent says one call used, before it is trusted. Token counts and cost are summed into SQLite and
 * budgets, so a silly number (1e308, a negative, a string) must not fail the run or poison a day's totals:
 * it is clamped or dropped here, and each correction is described so it can be logged.
 */

/** Far beyond any real context window plus answer; more is a bug in the agent, not a call. */
export const MAX_TOKENS_PER_CALL = 100_000_000;
/** Likewise for one call's cost in US dollars. */
export const MAX_COST_USD_PER_CALL = 10_000;

/** Usage in the command protocol's names (docs/agents.md); values are whatever the agent sent. */
export interface ReportedUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cost_usd?: unknown;
}

export interface CheckedUsage {
  usage: ProviderUsage;
  /** One sentence per value that was clamped or dropped; empty when everything was sane. */
  problems: string[];
}

export function checkUsage(reported: ReportedUsage): CheckedUsage {
  const problems: string[] = [];
  const usage: ProviderUsage = {
    inputTokens: tokenCount('input_tokens', reported.input_tokens, problems),
    outputTokens: tokenCount('output_tokens', reported.output_tokens, problems),
    cost: costUsd(reported.cost_usd, problems),
  };
  return { usage, problems };
}

/** The same check on usage a provider already turned into numbers (the last guard before the database). */
export function checkProviderUsage(usage: ProviderUsage): CheckedUsage {
  return checkUsage({ input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cost_usd: usage.cost });
}

/** Why a value is unusable as a non-negative amount, or null when it is usable. */
function unusable(value: unknown): string | null {
  if (typeof value !== 'number') return `${JSON.stringify(value)} is not a number`;
  if (!Number.isFinite(value)) return `${String(value)} is not a finite number`;
  if (value < 0) return `${String(value)} is negative`;
  return null;
}

/** A whole, non-negative count no larger than MAX_TOKENS_PER_CALL; absent is 0. */
function tokenCount(name: string, value: unknown, problems: string[]): number {
  if (value === undefined || value === null) return 0;
  const why = unusable(value);
  if (why) {
    problems.push(`${name} ${why}; counted as 0`);
    return 0;
  }
  const count = Math.round(value as number);
  if (count > MAX_TOKENS_PER_CALL) {
    problems.push(
      `${name} ${String(value)} is more than ${MAX_TOKENS_PER_CALL} per call; counted as ${MAX_TOKENS_PER_CALL}`,
    );
    return MAX_TOKENS_PER_CALL;
  }
  return count;
}

/** Dollars no larger than MAX_COST_USD_PER_CALL; absent or unusable is null (unknown), as for a local model. */
function costUsd(value: unknown, problems: string[]): number | null {
  if (value === undefined || value === null) return null;
  const why = unusable(value);
  if (why) {
    problems.push(`cost_usd ${why}; not counted`);
    return null;
  }
  if ((value as number) > MAX_COST_USD_PER_CALL) {
    problems.push(
      `cost_usd ${String(value)} is more than ${MAX_COST_USD_PER_CALL} per call; counted as ${MAX_COST_USD_PER_CALL}`,
    );
    return MAX_COST_USD_PER_CALL;
  }
  return value as number;
}
