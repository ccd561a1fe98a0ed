import type { ReactElement } from 'react';
import { wordDiff } from '../lib/word-diff';

/** A text shown against its base: removed words struck through, added words marked. */
export function WordDiff({ base, value }: { base: string; value: string }): ReactElement {
  const parts = wordDiff(base, value);
  return (
    <span className="diff">
      {parts.map((part, i) =>
        part.op === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.op === 'removed' ? (
          <del key={i} className="diff-removed">
            <span className="visually-hidden">[removed: </span>
            {part.text}
            <span className="visually-hidden">]</span>
          </del>
        ) : (
          <ins key={i} className="diff-added">
            <span className="visually-hidden">[added: </span>
            {part.text}
            <span className="visually-hidden">]</span>
          </ins>
        ),
      )}
    </span>
  );
}
