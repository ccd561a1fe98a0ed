import { useEffect, type ReactElement } from 'react';
import { Frame } from './components/Frame';
import { Header } from './components/Header';
import { NavMenu, type NavItem } from './components/NavMenu';
import { StatusBar } from './components/StatusBar';
import { Toast } from './components/Toast';
import { useAppStore } from './state/app-store';
import { useOnboardingStore } from './state/onboarding-store';
import { useConnectionStore } from './state/connection-store';
import { useSettingsStore } from './state/settings-store';
import { useViewStore, type ViewId } from './state/view-store';
import { ActivityView } from './views/ActivityView';
import { AgentsView } from './views/AgentsView';
import { BoardsView } from './views/BoardsView';
import { BoardView } from './views/BoardView';
import { ConflictsView } from './views/ConflictsView';
import { InboxView } from './views/InboxView';
import { OnboardingView } from './views/OnboardingView';
import { OwnershipView } from './views/OwnershipView';
import { SettingsView } from './views/SettingsView';

const VIEWS: Record<ViewId, { title: string; render(): ReactElement }> = {
  inbox: { title: 'Inbox', render: () => <InboxView /> },
  activity: { title: 'Activity', render: () => <ActivityView /> },
  conflicts: { title: 'Conflicts', render: () => <ConflictsView /> },
  ownership: { title: 'Ownership', render: () => <OwnershipView /> },
  agents: { title: 'Agents', render: () => <AgentsView /> },
  boards: { title: 'Boards', render: () => <BoardsView /> },
  board: { title: 'Board', render: () => <BoardView /> },
  settings: { title: 'Settings', render: () => <SettingsView /> },
};

/** Applies the theme: `system` leaves it to `prefers-color-scheme`, the others pin it. */
function useTheme(): void {
  const theme = useSettingsStore((s) => s.settings.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}

/** `#/welcome` opens onboarding again (for a "Run setup again" link); on first start the core says to show it. */
const ONBOARDING_HASH = '#/welcome';

function useOnboarding(): { open: boolean; pending: boolean } {
  const open = useOnboardingStore((s) => s.open);
  const status = useOnboardingStore((s) => s.status);
  useEffect(() => {
    const load = useOnboardingStore.getState().load;
    void load(location.hash === ONBOARDING_HASH);
    const onHash = (): void => {
      if (location.hash === ONBOARDING_HASH) void load(true);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return { open, pending: status === 'loading' };
}

/** The root: connects the stores to the frame and shows the current view. */
export function App(): ReactElement {
  useTheme();
  const onboarding = useOnboarding();
  const state = useAppStore((s) => s.state);
  const load = useAppStore((s) => s.load);
  const pausePending = useAppStore((s) => s.pausePending);
  const actionError = useAppStore((s) => s.actionError);
  const pauseAll = useAppStore((s) => s.pauseAll);
  const resumeAll = useAppStore((s) => s.resumeAll);
  const dismissActionError = useAppStore((s) => s.dismissActionError);
  const connection = useConnectionStore((s) => s.status);
  const view = useViewStore((s) => s.view);
  const go = useViewStore((s) => s.go);

  const title = VIEWS[view].title;
  useEffect(() => {
    document.title = onboarding.open ? 'Set up · Deckhand' : `${title} · Deckhand`;
  }, [title, onboarding.open]);

  const conflicts = state?.counts.conflicts ?? 0;
  const items: NavItem<ViewId>[] = [
    { id: 'inbox', label: 'Inbox', icon: 'inbox', badge: state?.counts.inbox ?? 0, badgeLabel: 'waiting' },
    { id: 'activity', label: 'Activity', icon: 'activity' },
    { id: 'conflicts', label: 'Conflicts', icon: 'conflicts', badge: conflicts, badgeLabel: 'open' },
    { id: 'ownership', label: 'Ownership', icon: 'ownership' },
    { id: 'agents', label: 'Agents', icon: 'agents' },
    { id: 'boards', label: 'Boards', icon: 'boards' },
    { id: 'board', label: 'Board', icon: 'board' },
  ];
  const footerItems: NavItem<ViewId>[] = [{ id: 'settings', label: 'Settings', icon: 'settings' }];

  // Until the core says whether to onboard, show nothing rather than a view that would jump away.
  if (onboarding.pending) return <div className="onboarding-pending" aria-busy="true" />;
  if (onboarding.open) return <OnboardingView />;

  return (
    <>
      <Frame
        header={
          <Header
            connection={connection}
            pause={state?.pause ?? null}
            agents={state?.agents ?? []}
            stateUnavailable={load === 'error'}
            pausePending={pausePending}
            onPause={() => void pauseAll()}
            onResume={() => void resumeAll()}
          />
        }
        nav={<NavMenu items={items} footerItems={footerItems} current={view} onSelect={(id) => go(id)} />}
        footer={
          <StatusBar
            version={state?.version ?? null}
            configSource={state?.configSource ?? null}
            startedAt={state?.startedAt ?? null}
            connection={connection}
          />
        }
      >
        {VIEWS[view].render()}
      </Frame>
      <Toast message={actionError} onDismiss={dismissActionError} />
    </>
  );
}
