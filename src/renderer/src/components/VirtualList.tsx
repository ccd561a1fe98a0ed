import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';
import { findMovedIndex, rowWindow, scrollToReveal } from '../lib/virtual-window';

export interface VirtualListProps<K extends string | number> {
  /** One key per row, in display order; a key that moves (rows prepended) keeps its place on screen. */
  keys: readonly K[];
  rowHeight: number;
  /** The accessible name of the list. */
  label: string;
  /** The selected row's key; selection follows the keyboard. */
  selected: K | null;
  onSelect(key: K): void;
  /** Enter on the selected row. */
  onOpen?(key: K): void;
  renderRow(key: K, index: number): ReactNode;
  /** Called when the last rendered rows come near the end of what is loaded. */
  onNearEnd?(): void;
  /** The total is not known yet (more pages can load), so screen readers hear "unknown size". */
  sizeUnknown?: boolean;
  /** Shown under the last row: loading more, the end of the list, or an error. */
  footer?: ReactNode;
  /** Rows the user scrolled away from the top while new ones arrived; the parent shows a "new entries" button. */
  onNewAbove?(count: number): void;
  /** Bumped by the parent to scroll back to the top. */
  scrollTopSignal?: number;
  idPrefix: string;
}

const OVERSCAN = 8;
/** Rows from the end at which the next page is asked for. */
const NEAR_END = 40;

/**
 * A list that renders only the rows in view (fixed row height), so it stays
 * smooth with 100,000 rows. It is a listbox: arrow keys, j/k, Page Up/Down,
 * Home and End move the selection; the selected row is always rendered, so
 * aria-activedescendant always points at a real element. When rows are added
 * above while the user is scrolled down, the rows on screen stay put.
 */
export function VirtualList<K extends string | number>({
  keys,
  rowHeight,
  label,
  selected,
  onSelect,
  onOpen,
  renderRow,
  onNearEnd,
  sizeUnknown = false,
  footer,
  onNewAbove,
  scrollTopSignal = 0,
  idPrefix,
}: VirtualListProps<K>): ReactElement {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  // What was at the top of the viewport at the last render, to hold it in place when rows arrive above.
  const anchor = useRef<{ key: K; index: number; offset: number; length: number } | null>(null);
  const newAbove = useRef(0);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the rows on screen where they are when keys are added above them.
  useLayoutEffect(() => {
    const el = viewport.current;
    const before = anchor.current;
    if (el && before && el.scrollTop > 0 && keys.length !== before.length) {
      const index = findMovedIndex(keys, before.key, before.index, keys.length - before.length);
      if (index !== -1 && index !== before.index) {
        const top = index * rowHeight + before.offset;
        el.scrollTop = top;
        setScrollTop(top);
        if (index > before.index) {
          newAbove.current += index - before.index;
          onNewAbove?.(newAbove.current);
        }
      }
    }
    const first = Math.min(keys.length - 1, Math.floor((el?.scrollTop ?? 0) / rowHeight));
    anchor.current =
      first >= 0
        ? { key: keys[first]!, index: first, offset: (el?.scrollTop ?? 0) - first * rowHeight, length: keys.length }
        : null;
  }, [keys, rowHeight, onNewAbove]);

  useEffect(() => {
    if (scrollTopSignal === 0) return;
    viewport.current?.scrollTo({ top: 0 });
  }, [scrollTopSignal]);

  const win = rowWindow({ count: keys.length, rowHeight, scrollTop, viewportHeight: height, overscan: OVERSCAN });

  useEffect(() => {
    if (onNearEnd && keys.length > 0 && win.end >= keys.length - NEAR_END) onNearEnd();
  }, [win.end, keys.length, onNearEnd]);

  const onScroll = (): void => {
    const el = viewport.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const first = Math.min(keys.length - 1, Math.floor(el.scrollTop / rowHeight));
    anchor.current =
      first >= 0
        ? { key: keys[first]!, index: first, offset: el.scrollTop - first * rowHeight, length: keys.length }
        : null;
    if (el.scrollTop < rowHeight / 2 && newAbove.current > 0) {
      newAbove.current = 0;
      onNewAbove?.(0);
    }
  };

  const selectedIndex = selected === null ? -1 : keys.indexOf(selected);

  const reveal = useCallback(
    (index: number): void => {
      const el = viewport.current;
      if (!el) return;
      const top = scrollToReveal(index, rowHeight, el.scrollTop, el.clientHeight);
      if (top !== null) {
        el.scrollTop = top;
        setScrollTop(top);
      }
    },
    [rowHeight],
  );

  // A selection made elsewhere (a click, a filter) is scrolled into view too.
  useEffect(() => {
    if (selectedIndex >= 0) reveal(selectedIndex);
  }, [selectedIndex, reveal]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (keys.length === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const current = selectedIndex === -1 ? win.firstVisible - 1 : selectedIndex;
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        next = current + 1;
        break;
      case 'ArrowUp':
      case 'k':
        next = current - 1;
        break;
      case 'PageDown':
        next = current + win.pageSize;
        break;
      case 'PageUp':
        next = current - win.pageSize;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = keys.length - 1;
        break;
      case 'Enter':
        if (selectedIndex >= 0) {
          event.preventDefault();
          onOpen?.(keys[selectedIndex]!);
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    const index = Math.max(0, Math.min(keys.length - 1, next));
    onSelect(keys[index]!);
    reveal(index);
  };

  const rows: ReactNode[] = [];
  for (let i = win.start; i < win.end; i++) {
    const key = keys[i]!;
    rows.push(
      <div
        key={key}
        id={`${idPrefix}-${key}`}
        role="option"
        aria-selected={key === selected}
        aria-posinset={i + 1}
        aria-setsize={sizeUnknown ? -1 : keys.length}
        className={`vlist-row${key === selected ? ' is-selected' : ''}`}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
        onClick={() => onSelect(key)}
      >
        {renderRow(key, i)}
      </div>,
    );
  }

  return (
    // The scrolling box holds the listbox (as tall as all rows) and, below it, the footer,
    // which is not an option and so stays outside the listbox.
    <div ref={viewport} className="vlist" onScroll={onScroll} data-testid="virtual-list">
      <div
        className="vlist-spacer"
        role="listbox"
        aria-label={label}
        tabIndex={0}
        aria-activedescendant={selectedIndex >= 0 ? `${idPrefix}-${selected}` : undefined}
        onKeyDown={onKeyDown}
        style={{ height: keys.length * rowHeight }}
      >
        {rows}
      </div>
      {footer ? <div className="vlist-footer">{footer}</div> : null}
    </div>
  );
}
