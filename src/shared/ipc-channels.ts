/** IPC channel names. Kept free of imports so the sandboxed preload can bundle it alone. */
export const IPC_CALL_CHANNEL = 'deckhand:call';
export const IPC_EVENT_CHANNEL = 'deckhand:event';
