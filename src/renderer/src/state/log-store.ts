import { create } from 'zustand';
import type { SyncLogEntry } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { cleanFilter, matchesFilter, type LogFilter } from '../lib/log-entries';
import { api } from './api';

export type ListStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The first page is small so the view paints at once; older pages are bigger, since they are fetched while scrolling. */
export const FIRST_PAGE = 200;
export const OLDER_PAGE = 500;
/** Newest-first paging starts "before" this seq: later than any real entry. */
const NEWEST = Number.MAX_SAFE_INTEGER;
/** Live entries are applied in batches, so a burst of writes is one render, not hundreds. */
const FLUSH_MS = 60;
/** A window left open for days keeps at most this many entries; older ones are paged in again on demand. */
export const MAX_KEPT = 250_000;
/** Export pages through the log forwards in pages this big. */
const EXPORT_PAGE = 1000;

export interface LogStore {
  /** Newest first. */
  entries: SyncLogEntry[];
  filter: LogFilter;
  status: ListStatus;
  error: string | null;
  /** More, older entries exist beyond the last one loaded. */
  hasMore: boolean;
  loadingOlder: boolean;
  olderError: string | null;
  selectedSeq: number | null;
  exporting: boolean;
  exportError: string | null;
  /** Loads the newest page the first time the view opens; later opens keep what is there. */
  open(): Promise<void>;
  /** Starts again from the newest entry (filter change, reconnect). */
  reload(): Promise<void>;
  setFilter(patch: Partial<LogFilter>): Promise<void>;
  clearFilter(): Promise<void>;
  loadOlder(): Promise<void>;
  /** Fetches what was appended while events could not arrive (reconnect), without reloading the list. */
  catchUp(): Promise<void>;
  /** A live `log.appended` event. */
  receive(entry: SyncLogEntry): void;
  select(seq: number | null): void;
  /** Every entry matching the filter, oldest first, as JSON Lines (for transports without an export URL). */
  exportJsonl(): Promise<string | null>;
}

let generation = 0;
let buffer: SyncLogEntry[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

export const useLogStore = create<LogStore>()((set, get) => {
  const flush = (): void => {
    flushTimer = undefined;
    const { status, entries, filter } = get();
    if (status !== 'ready') return; // kept in the buffer; merged when the page lands
    const newest = entries[0]?.seq ?? 0;
    // Newest first, each entry once, none the list already has (a catch-up page and live events may overlap).
    const seen = new Set<number>();
    const fresh = buffer
      .filter((e) => e.seq > newest && !seen.has(e.seq) && seen.add(e.seq) && matchesFilter(e, filter))
      .sort((a, b) => b.seq - a.seq);
    buffer = [];
    if (fresh.length === 0) return;
    const next = fresh.concat(entries);
    const trimmed = next.length > MAX_KEPT;
    set({ entries: trimmed ? next.slice(0, MAX_KEPT) : next, ...(trimmed ? { hasMore: true } : {}) });
  };

  const scheduleFlush = (): void => {
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  };

  const loadFirst = async (): Promise<void> => {
    const mine = ++generation;
    set({ status: 'loading', error: null, olderError: null, loadingOlder: false });
    try {
      const { entries } = await api().call('listLog', { before: NEWEST, limit: FIRST_PAGE, filter: get().filter });
      if (mine !== generation) return;
      set({ entries, status: 'ready', hasMore: entries.length === FIRST_PAGE });
      if (buffer.length > 0) flush();
    } catch (err) {
      if (mine !== generation) return;
      set({ status: 'error', error: describeError(err) });
    }
  };

  return {
    entries: [],
    filter: {},
    status: 'idle',
    error: null,
    hasMore: false,
    loadingOlder: false,
    olderError: null,
    selectedSeq: null,
    exporting: false,
    exportError: null,

    async open() {
      if (get().status === 'idle' || get().status === 'error') await loadFirst();
    },

    async reload() {
      buffer = [];
      await loadFirst();
    },

    async setFilter(patch) {
      const filter = cleanFilter({ ...get().filter, ...patch });
      if (JSON.stringify(filter) === JSON.stringify(get().filter)) return;
      buffer = [];
      set({ filter, entries: [], selectedSeq: null });
      await loadFirst();
    },

    async clearFilter() {
      if (Object.keys(get().filter).length === 0) return;
      buffer = [];
      set({ filter: {}, entries: [], selectedSeq: null });
      await loadFirst();
    },

    async loadOlder() {
      const { status, hasMore, loadingOlder, entries, filter } = get();
      if (status !== 'ready' || !hasMore || loadingOlder) return;
      const oldest = entries[entries.length - 1]?.seq;
      if (oldest === undefined) return;
      const mine = generation;
      set({ loadingOlder: true, olderError: null });
      try {
        const page = await api().call('listLog', { before: oldest, limit: OLDER_PAGE, filter });
        if (mine !== generation) return;
        set((s) => ({
          entries: s.entries.concat(page.entries),
          hasMore: page.entries.length === OLDER_PAGE,
          loadingOlder: false,
        }));
      } catch (err) {
        if (mine !== generation) return;
        set({ loadingOlder: false, olderError: describeError(err) });
      }
    },

    async catchUp() {
      const { status, entries, filter } = get();
      if (status === 'idle') return;
      if (status !== 'ready' || entries.length === 0) return loadFirst();
      const mine = generation;
      try {
        const page = await api().call('listLog', { after: entries[0]!.seq, limit: 1000, filter });
        if (mine !== generation) return;
        // A gap bigger than one page is cheaper to reload from the top.
        if (page.entries.length === 1000) return loadFirst();
        buffer.push(...page.entries);
        flush();
      } catch {
        // Still offline or failing: the next reconnect tries again.
      }
    },

    receive(entry) {
      if (get().status === 'idle') return; // nobody has opened the view; it loads fresh when they do
      buffer.push(entry);
      scheduleFlush();
    },

    select(seq) {
      set({ selectedSeq: seq });
    },

    async exportJsonl() {
      set({ exporting: true, exportError: null });
      try {
        const lines: string[] = [];
        let after = 0;
        for (;;) {
          const { entries } = await api().call('listLog', { after, limit: EXPORT_PAGE, filter: get().filter });
          for (const e of entries) lines.push(JSON.stringify(e));
          if (entries.length < EXPORT_PAGE) break;
          after = entries[entries.length - 1]!.seq;
        }
        return lines.length ? `${lines.join('\n')}\n` : '';
      } catch (err) {
        set({ exportError: `Export failed: ${describeError(err)}` });
        return null;
      } finally {
        set({ exporting: false });
      }
    },
  };
});
