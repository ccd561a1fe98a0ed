import { describe, expect, it } from 'vitest';
import { activityHash, formatHash, parseHash } from '../../../src/renderer/src/lib/routes';

/** The address carries the card to open and the Activity filters (issue 15), so both can be shared and reopened. */
describe('routes', () => {
  it('opens a card on a board from ?task=', () => {
    expect(parseHash('#/board/local?task=12')).toEqual({ view: 'board', boardId: 'local', taskId: '12' });
    expect(formatHash({ view: 'board', boardId: 'local', taskId: 'a b' })).toBe('#/board/local?task=a%20b');
    expect(parseHash('#/board/local')).toEqual({ view: 'board', boardId: 'local' });
  });

  it('keeps the Activity filters in the address, round trip', () => {
    const hash = activityHash({ boardId: 'kb', taskId: '15', action: 'write.', text: ' cache ' });
    expect(hash).toBe('#/activity?board=kb&task=15&action=write.&q=cache');
    expect(parseHash(hash)).toEqual({
      view: 'activity',
      logFilter: { boardId: 'kb', taskId: '15', action: 'write.', text: 'cache' },
    });
    expect(activityHash({})).toBe('#/activity');
    expect(parseHash('#/activity?board=')).toEqual({ view: 'activity' });
  });

  it('knows the inbox', () => {
    expect(parseHash('#/inbox')).toEqual({ view: 'inbox' });
  });
});
