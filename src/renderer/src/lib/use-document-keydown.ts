import { useEffect, useEffectEvent } from 'react';

/**
 * Calls `handler` for every keydown on the document while the component is mounted. On the document, so a
 * view's shortcuts work as soon as it opens, before anything in it has focus; the handler always sees the
 * latest props and state.
 */
export function useDocumentKeydown(handler: (event: KeyboardEvent) => void): void {
  const onKeyDown = useEffectEvent(handler);
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => onKeyDown(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
