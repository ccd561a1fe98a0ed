/**
 * A small word-level diff (longest common subsequence over words and the
 * whitespace between them), for showing how each side of a conflict changed
 * a text from its base. Pure, so it is unit-tested.
 */

export type DiffOp = 'same' | 'added' | 'removed';

export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** Above this many LCS cells (after trimming the common ends) the middle is shown as one replaced block. */
const MAX_CELLS = 2_000_000;

/** Words and the runs of whitespace between them, so joining the tokens gives the text back. */
export function tokenize(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t !== '');
}

function push(parts: DiffPart[], op: DiffOp, text: string): void {
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

/**
 * The edit from `before` to `after` as runs of same/removed/added text.
 * Joining the same+removed runs gives `before`; same+added gives `after`.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  if (start > 0) push(parts, 'same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > MAX_CELLS) {
    if (midA.length) push(parts, 'removed', midA.join(''));
    if (midB.length) push(parts, 'added', midB.join(''));
  } else {
    for (const part of lcsDiff(midA, midB)) push(parts, part.op, part.text);
  }
  if (endA < a.length) push(parts, 'same', a.slice(endA).join(''));
  return coalesce(parts);
}

/**
 * Reads better as "old words, then new words" than as alternating single
 * words: a change run, including the single spaces the LCS matched inside it,
 * becomes one removed part followed by one added part.
 */
function coalesce(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = (): void => {
    if (removed) out.push({ op: 'removed', text: removed });
    if (added) out.push({ op: 'added', text: added });
    removed = '';
    added = '';
  };
  parts.forEach((part, i) => {
    const inChange = removed !== '' || added !== '';
    const next = parts[i + 1];
    if (part.op === 'same' && inChange && /^\s+$/.test(part.text) && next && next.op !== 'same') {
      removed += part.text;
      added += part.text;
    } else if (part.op === 'removed') removed += part.text;
    else if (part.op === 'added') added += part.text;
    else {
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}

/** Classic O(n·m) LCS table, walked forwards; removals are listed before additions at each change. */
function lcsDiff(a: readonly string[], b: readonly string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // lengths[i * width + j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push(parts, 'same', a[i]!);
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      push(parts, 'removed', a[i]!);
      i++;
    } else {
      push(parts, 'added', b[j]!);
      j++;
    }
  }
  while (i < n) push(parts, 'removed', a[i++]!);
  while (j < m) push(parts, 'added', b[j++]!);
  return parts;
}

export type ChipState = 'kept' | 'added' | 'removed';

export interface LabelChip {
  label: string;
  state: ChipState;
}

/** A label set compared with its base: every label of either, marked kept, added or removed, sorted. */
export function labelChips(base: readonly string[], value: readonly string[]): LabelChip[] {
  const inBase = new Set(base);
  const inValue = new Set(value);
  return [...new Set([...base, ...value])].sort().map((label) => ({
    label,
    state: inBase.has(label) ? (inValue.has(label) ? 'kept' : 'removed') : 'added',
  }));
}
