import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelChips, wordDiff, type DiffPart } from '../../../src/renderer/src/lib/word-diff';

const side = (parts: DiffPart[], keep: 'removed' | 'added'): string =>
  parts
    .filter((p) => p.op === 'same' || p.op === keep)
    .map((p) => p.text)
    .join('');

describe('wordDiff', () => {
  it('marks the changed words and keeps the rest', () => {
    expect(wordDiff('Ship the release notes today', 'Ship the short release notes tomorrow')).toEqual([
      { op: 'same', text: 'Ship the ' },
      { op: 'added', text: 'short ' },
      { op: 'same', text: 'release notes ' },
      { op: 'removed', text: 'today' },
      { op: 'added', text: 'tomorrow' },
    ]);
  });

  it('shows a replaced phrase as old words, then new words', () => {
    expect(wordDiff('To do', 'Ready for Review')).toEqual([
      { op: 'removed', text: 'To do' },
      { op: 'added', text: 'Ready for Review' },
    ]);
  });

  it('handles empty sides', () => {
    expect(wordDiff('', 'new text')).toEqual([{ op: 'added', text: 'new text' }]);
    expect(wordDiff('old text', '')).toEqual([{ op: 'removed', text: 'old text' }]);
    expect(wordDiff('same', 'same')).toEqual([{ op: 'same', text: 'same' }]);
  });

  it('always rebuilds both texts exactly', () => {
    const words = fc.array(fc.constantFrom('a', 'b', 'c', 'the', 'notes', ' ', '  ', '\n'), { maxLength: 30 });
    fc.assert(
      fc.property(words, words, (a, b) => {
        const before = a.join('');
        const after = b.join('');
        const parts = wordDiff(before, after);
        expect(side(parts, 'removed')).toBe(before);
        expect(side(parts, 'added')).toBe(after);
      }),
    );
  });

  it('stays fast on long texts (the middle becomes one block past the size limit)', () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
    const other = Array.from({ length: 20_000 }, (_, i) => `v${i}`).join(' ');
    const started = performance.now();
    const parts = wordDiff(long, other);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(side(parts, 'removed')).toBe(long);
    expect(side(parts, 'added')).toBe(other);
  });
});

describe('labelChips', () => {
  it('marks labels added and removed against the base', () => {
    expect(labelChips(['a', 'b'], ['b', 'c'])).toEqual([
      { label: 'a', state: 'removed' },
      { label: 'b', state: 'kept' },
      { label: 'c', state: 'added' },
    ]);
  });
});
