import { afterAll, beforeAll, vi } from 'vitest';

/**
 * Only `Date` is faked (timers stay real, so servers and sockets work), starting
 * at `start`; `tick` moves it on. For tests whose merge decisions compare times.
 */
export function useFakeDate(start = '2031-03-01T09:00:00.000Z'): { tick(ms?: number): void } {
  let clock = Date.parse(start);
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clock);
  });
  afterAll(() => {
    vi.useRealTimers();
  });
  return {
    tick(ms = 1_000) {
      clock += ms;
      vi.setSystemTime(clock);
    },
  };
}
