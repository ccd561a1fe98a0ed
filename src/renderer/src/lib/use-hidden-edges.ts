import { useEffect, useState, type RefObject } from 'react';
import { hiddenEdges, type HiddenEdges } from './hidden-edges';

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
