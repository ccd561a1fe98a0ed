import { describe, expect, it } from 'vitest';
import type { BoardAdapter } from '../../../src/main/core/boards/contract/adapter';
import { BoardBudget } from '../../../src/main/core/engine/board-budget';

describe('the board budget', () => {
  it('never makes the lock holder wait; the debt it leaves is waited off by the next caller', async () => {
    // 60,000 a minute: 1,000 a second, a full bucket of 60,000.
    const budget = new BoardBudget(60_000);
    const t0 = Date.now();
    await budget.asHolder(async () => {
      for (let i = 0; i < 60_500; i++) await budget.request();
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    // About 500 in debt (less what refilled meanwhile) plus the one asked: some 400 ms at 1,000 a second.
    const t1 = Date.now();
    await budget.request();
    expect(Date.now() - t1).toBeGreaterThanOrEqual(200);
    expect(budget.requests).toBe(60_501);
  });

  it('charges an adapter that cannot meter itself one request per board call, and nothing for local calls', async () => {
    const budget = new BoardBudget(1_000);
    const adapter = {
      boardId: 'b',
      type: 't',
      getTask: async (id: string) => ({ id }),
      taskUrl: (id: string) => `https://board/${id}`,
    } as unknown as BoardAdapter;
    const metered = budget.meter(adapter);
    await metered.getTask('1');
    await metered.getTask('2');
    expect(metered.taskUrl?.('3')).toBe('https://board/3');
    expect(budget.requests).toBe(2);
  });

  it('lets an adapter that meters its own HTTP requests count them', async () => {
    const budget = new BoardBudget(1_000);
    let meter: (() => Promise<void>) | undefined;
    const adapter = {
      boardId: 'b',
      type: 't',
      meterRequests: (m: () => Promise<void>) => (meter = m),
    } as unknown as BoardAdapter;
    expect(budget.meter(adapter)).toBe(adapter);
    await meter!();
    expect(budget.requests).toBe(1);
  });
});
