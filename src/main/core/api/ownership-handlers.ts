import { OwnershipRulesError } from '../../../shared/ownership';
import type { Handlers } from './dispatch';
import { UserFacingError } from './dispatch';
import type { CoreServices } from './services';

/** The per-board sync schema: read it, or save an edit as a new version that applies at once. */
export function ownershipHandlers(s: CoreServices): Pick<Handlers, 'getOwnership' | 'setOwnership'> {
  const requireBoard = (boardId: string): void => {
    if (!s.engine.boardSummaries().some((b) => b.id === boardId)) {
      throw new UserFacingError('not_found', `unknown board "${boardId}"`);
    }
  };
  return {
    getOwnership: ({ boardId }) => {
      requireBoard(boardId);
      return s.ownership.current(boardId, s.ownershipFallback);
    },
    setOwnership: ({ boardId, rules }, ctx) => {
      requireBoard(boardId);
      try {
        const by = `human:${ctx.transport}`;
        const before = s.ownership.current(boardId, s.ownershipFallback);
        const saved = s.ownership.update(boardId, rules, by, s.ownershipFallback);
        if (saved.version !== before.version) {
          s.engine.journal.append({
            actor: by,
            action: 'ownership.changed',
            boardId,
            before: before.rules,
            after: saved.rules,
            reason: `ownership schema v${saved.version}`,
          });
        }
        return saved;
      } catch (err) {
        if (err instanceof OwnershipRulesError) throw new UserFacingError('invalid_input', err.message);
        throw err;
      }
    },
  };
}
