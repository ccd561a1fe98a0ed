import { describe, expect, it } from 'vitest';
import { hiddenEdges } from '../../../src/renderer/src/lib/hidden-edges';

describe('hiddenEdges', () => {
  it('names the sides with content out of view', () => {
    expect(hiddenEdges(0, 800, 800)).toBe('none');
    expect(hiddenEdges(0, 800, 1300)).toBe('end');
    expect(hiddenEdges(250, 800, 1300)).toBe('both');
    expect(hiddenEdges(500, 800, 1300)).toBe('start');
  });

  it('ignores sub-pixel remainders from zoomed layouts', () => {
    expect(hiddenEdges(0.6, 800, 800.8)).toBe('none');
    expect(hiddenEdges(499.4, 800, 1300)).toBe('start');
  });
});
