import type { DeckhandEvent, EventName, EventPayloads } from '../../shared/contract';

type Listener = (event: DeckhandEvent) => void;

/** In-process fan-out of contract events to every transport (IPC windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(type: E, payload: EventPayloads[E]): void {
    const event = { type, payload } as DeckhandEvent;
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
