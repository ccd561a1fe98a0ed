/** Which sides of a horizontal scroller have content out of view. Pure, so it is unit-tested without a DOM. */
export type HiddenEdges = 'none' | 'start' | 'end' | 'both';

export function hiddenEdges(scrollLeft: number, clientWidth: number, scrollWidth: number): HiddenEdges {
  // One pixel of slack: zoomed layouts report fractional widths.
  const before = scrollLeft > 1;
  const after = scrollLeft + clientWidth < scrollWidth - 1;
  return before && after ? 'both' : before ? 'start' : after ? 'end' : 'none';
}
