import type { DeckhandApi } from '../../../shared/contract';

let bound: DeckhandApi | undefined;

/** Binds the transport's API once at start-up; store actions are the only callers of `api()`. */
export function bindApi(api: DeckhandApi): void {
  bound = api;
}

export function api(): DeckhandApi {
  if (!bound) throw new Error('The Deckhand API is not bound yet; start the app with startApp().');
  return bound;
}
