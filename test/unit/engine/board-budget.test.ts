import { describe, expect, it } from 'vitest';
import type { BoardAdapter } from '../../../src/main/core/boards/contract/adapter';
import { BoardBudget } from '../../../src/main/core/engine/board-budget';

describe('the board budget', () => {
  it('never makes the lock holder wait; the debt it leaves is waited off by the next caller', async () => {
    // 6,000 a minute: 100 a second, a full bucket of 6,000.
    const budget = new BoardBudget(6_000);
    const t0 = Date.now();
    await budget.asHolder(async () => {
      for (let i = 0; i < 6_010; i++) await budget.request();
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    // 10 in debt plus the one asked: about 110 ms at 100 a second.
    const t1 = Date.now();
    await budget.request();
    expect(Date.now() - t1).toBeGreaterThanOrEqual(80);
    expect(budget.requests).toBe(6_011);
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
