import { useEffect, useState, type RefObject } from 'react';

/** Which sides of a horizontal scroller have content out of view. */
export type HiddenEdges = 'none' | 'start' | 'end' | 'both';

export function hiddenEdges(scrollLeft: number, clientWidth: number, scrollWidth: number): HiddenEdges {
  // One pixel of slack: zoomed layouts report fractional widths.
  const before = scrollLeft > 1;
  const after = scrollLeft + clientWidth < scrollWidth - 1;
  return before && after ? 'both' : before ? 'start' : after ? 'end' : 'none';
}

/** Follows a scroller's hidden edges as it scrolls, resizes or its content changes. */
export function useHiddenEdges(ref: RefObject<HTMLElement | null>): HiddenEdges {
  const [edges, setEdges] = useState<HiddenEdges>('none');
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const update = (): void => setEdges(hiddenEdges(el.scrollLeft, el.clientWidth, el.scrollWidth));
    update();
    el.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    return () => {
      el.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [ref]);
  return edges;
}
