import { describe, expect, it } from 'vitest';
import { dueToday } from '../../../src/main/core/agents/digest-schedule';
import { budgetExceeded, BudgetRepo, localDay } from '../../../src/main/core/agents/budget';
import { ClaimContested } from '../../../src/main/core/agents/claims';
import { DeliveryFailed } from '../../../src/main/core/agents/effects';
import { parseRetryAfter, ProviderError } from '../../../src/main/core/agents/providers/errors';
import { retryDecision } from '../../../src/main/core/agents/retry-policy';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { answerAfter, questionBody } from '../../../src/main/core/agents/workflows/ask-human';
import { estimateHours } from '../../../src/main/core/agents/workflows/breakdown';
import { markerFor } from '../../../src/main/core/engine/intents';
import type { AgentConfig } from '../../../src/main/core/config';
import type { OutboxEntry } from '../../../src/main/core/store/outbox-repo';
import { openDatabase } from '../../../src/main/core/store/database';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

describe('estimateHours', () => {
  it('reads minutes, hours and days (8h)', () => {
    expect(estimateHours('90m')).toBe(1.5);
    expect(estimateHours('2h')).toBe(2);
    expect(estimateHours('1.5 d')).toBe(12);
    expect(estimateHours('3 points')).toBeUndefined();
  });
});

describe('answerAfter', () => {
  const question = { idemKey: 'k'.repeat(64), result: { commentId: 'c2' } } as unknown as OutboxEntry;
  const comment = (id: string, author: string, body: string, marker: string | null = null) => ({
    id,
    taskId: 't',
    author,
    body,
    createdAt: '2026-01-01T00:00:00Z',
    marker,
  });

  it('joins what people wrote after the question, skipping what Deckhand wrote', () => {
    const comments = [
      comment('c1', 'alice', 'before the question'),
      comment('c2', 'deckhand', 'Question from agent a', markerFor(question.idemKey)),
      comment('c3', 'alice', 'Postgres.'),
      comment('c4', 'deckhand', 'notes', markerFor('f'.repeat(64))),
      comment('c5', 'bob', 'Version 16.'),
    ];
    expect(answerAfter(comments, question, new Set())).toBe('Postgres.\n\nVersion 16.');
    expect(answerAfter(comments.slice(0, 2), question, new Set())).toBeNull();
    expect(answerAfter(comments, undefined, new Set())).toBeNull();
  });

  it('finds the question by its marker when the board did not report an id', () => {
    const byMarker = { ...question, result: null } as OutboxEntry;
    const comments = [comment('x', 'bot', 'Q', markerFor(question.idemKey)), comment('y', 'carol', 'yes')];
    expect(answerAfter(comments, byMarker, new Set())).toBe('yes');
  });

  it('takes an answer written from the same board account as the question (a solo setup)', () => {
    // Kanboard lists comments without their reference: only the ids Deckhand recorded tell its own apart.
    const comments = [
      comment('c2', 'me', 'Question from agent a'),
      comment('c3', 'me', 'Comment from run #1'),
      comment('c4', 'me', 'Use Postgres 16.'),
    ];
    expect(answerAfter(comments, question, new Set(['c2', 'c3']))).toBe('Use Postgres 16.');
  });

  it("a reference another tool left on a comment does not hide a person's answer", () => {
    const comments = [comment('c2', 'me', 'Q'), comment('c3', 'me', 'Yes.', 'jira-sync:42')];
    expect(answerAfter(comments, question, new Set(['c2']))).toBe('Yes.');
  });

  it('the question says how to answer', () => {
    expect(questionBody('a', 'Which?', 'answer-and-move')).toMatch(/move the card back out of Blocked/);
    expect(questionBody('a', 'Which?', 'answer')).toMatch(/continues as soon as it sees your answer/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('dueToday', () => {
  const at = (h: number, m = 0): Date => {
    const d = new Date(2026, 2, 10);
    d.setHours(h, m, 0, 0);
    return d;
  };
  it('is true once the day’s first scheduled time has passed', () => {
    expect(dueToday('0 9 * * *', at(8, 59))).toBe(false);
    expect(dueToday('0 9 * * *', at(9, 0))).toBe(true);
    expect(dueToday('0 9 * * *', at(23))).toBe(true);
    // 2026-03-10 is a Tuesday.
    expect(dueToday('0 9 * * mon', at(12))).toBe(false);
    expect(dueToday('0 9 * * tue', at(12))).toBe(true);
  });
});

describe('budgets', () => {
  it('count per agent and local day, and say which limit was reached', () => {
    const db = openDatabase(tempDir());
    const repo = new BudgetRepo(db);
    const agent = { id: 'a', budget: { runs_per_day: 2, tokens_per_day: 100 } } as AgentConfig;
    expect(budgetExceeded(agent, repo)).toBeUndefined();
    repo.add('a', { runs: 1, tokens: 120 });
    expect(budgetExceeded(agent, repo)).toMatch(/^daily budget reached: 120 of 100 tokens today/);
    repo.add('a', { runs: 1 });
    expect(budgetExceeded(agent, repo)).toMatch(/2 of 2 runs/);
    expect(budgetExceeded(agent, repo, '1999-01-01')).toBeUndefined();
    expect(localDay(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
    db.close();
  });
});

describe('retryDecision', () => {
  const settings = { maxAttempts: 3, retryBaseMs: 1000 };
  it('retries what may pass, honouring Retry-After, up to the last attempt', () => {
    const limited = new ProviderError('rate_limited', '429', true, 30_000);
    expect(retryDecision(limited, 1, settings)).toEqual({ retry: true, delayMs: 30_000 });
    const exit = retryDecision(new ProviderError('exit', 'code 1', true), 2, settings);
    expect(exit.retry && exit.delayMs >= 1000 && exit.delayMs <= 2000).toBe(true);
    expect(retryDecision(new ProviderError('exit', 'code 1', true), 3, settings)).toEqual({ retry: false });
    expect(retryDecision(new BoardError('transient', 'reset'), 1, settings).retry).toBe(true);
    expect(retryDecision(new ClaimContested('both'), 1, settings).retry).toBe(true);
  });

  it('does not retry what no retry fixes', () => {
    expect(retryDecision(new ProviderError('config', 'no key', false), 1, settings)).toEqual({ retry: false });
    expect(retryDecision(new DeliveryFailed('refused', false), 1, settings)).toEqual({ retry: false });
    expect(retryDecision(new Error('bug'), 1, settings)).toEqual({ retry: false });
  });
});
