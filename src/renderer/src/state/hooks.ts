import type { AppState } from '../../../shared/model';
import { useAppStore } from './app-store';

export interface LiveState {
  state: AppState | null;
  error: string | null;
  retry(): void;
}

/** The core's state for a view, with what a view needs to show loading and failure. */
export function useLiveState(): LiveState {
  const state = useAppStore((s) => s.state);
  const error = useAppStore((s) => s.loadError);
  const refresh = useAppStore((s) => s.refresh);
  return { state, error: state === null ? error : null, retry: () => void refresh() };
}
