import type { ReactElement } from 'react';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { SettingToggle } from '../components/SettingToggle';
import { ThemeChooser } from '../components/ThemeChooser';
import { useSettingsStore } from '../state/settings-store';
import '../styles/settings.css';

/** The desktop app talks to the core over its preload bridge; a browser tab of `deckhand serve` has none. */
const inDesktopApp = typeof window !== 'undefined' && window.deckhandBridge !== undefined;

/** Preferences stored by the core, so every window and browser tab shares them. */
export function SettingsView(): ReactElement {
  const settings = useSettingsStore((s) => s.settings);
  const load = useSettingsStore((s) => s.load);
  const loadError = useSettingsStore((s) => s.loadError);
  const saving = useSettingsStore((s) => s.saving);
  const saveError = useSettingsStore((s) => s.saveError);
  const update = useSettingsStore((s) => s.update);
  const refresh = useSettingsStore((s) => s.refresh);
  return (
    <Page title="Settings" description="Preferences are stored by Deckhand and shared by every window.">
      {load === 'error' ? (
        <Notice
          tone="error"
          title="Could not load settings"
          action={{ label: 'Try again', onClick: () => void refresh() }}
        >
          {loadError}
        </Notice>
      ) : null}
      <Panel title="Appearance">
        <div className="field-row">
          <ThemeChooser
            value={settings.theme}
            disabled={load !== 'ready'}
            onChange={(theme) => void update({ theme })}
          />
          <p className="field-status" role="status">
            {saveError ? <span className="text-bad">Not saved: {saveError}</span> : saving ? 'Saving…' : null}
          </p>
        </div>
        <p className="field-hint">System follows your operating system's light or dark setting.</p>
      </Panel>
      <Panel title="Setup">
        <p>
          <a href="#/welcome" data-testid="rerun-setup">
            Run setup again
          </a>
          <span className="text-muted">
            {' '}
            — pick the board and the model of the default agent. Agents working elsewhere are only moved if you say so.
          </span>
        </p>
      </Panel>
      <Panel title="Desktop">
        <SettingToggle
          id="setting-start-at-login"
          label="Start Deckhand at login"
          checked={settings.startAtLogin}
          disabled={load !== 'ready'}
          onChange={(startAtLogin) => void update({ startAtLogin })}
        >
          Deckhand starts in the tray when you log in, so agents and sync keep running without opening a window.
          {inDesktopApp
            ? null
            : ' Applies to the desktop app; on a server, start deckhand serve from your service manager.'}
        </SettingToggle>
        <SettingToggle
          id="setting-notifications"
          label="Notifications"
          checked={settings.notifications}
          disabled={load !== 'ready'}
          onChange={(notifications) => void update({ notifications })}
        >
          A desktop notification when a conflict opens, an agent asks a question, or a board stops syncing. Clicking one
          opens the view to act on it.
        </SettingToggle>
      </Panel>
    </Page>
  );
}
