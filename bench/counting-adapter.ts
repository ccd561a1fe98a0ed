import type { BoardAdapter } from '../src/main/core/boards/contract/adapter';

export interface CallCounter {
  calls: number;
  bytes: number;
  reset(): void;
}

/**
 * Wraps an in-process adapter and counts its calls and the JSON size of what
 * they return: the local board's stand-in for "requests and bytes".
 */
export function countingAdapter(inner: BoardAdapter): { adapter: BoardAdapter; counter: CallCounter } {
  const counter: CallCounter = {
    calls: 0,
    bytes: 0,
    reset() {
      this.calls = 0;
      this.bytes = 0;
    },
  };
  const adapter = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'constructor') return value;
      // watch() is a local subscription, not a board call: it returns its unsubscribe function at once.
      if (prop === 'watch') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        counter.calls++;
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        counter.bytes += Buffer.byteLength(JSON.stringify(result ?? null));
        return result;
      };
    },
  });
  return { adapter, counter };
}
