import type { ReactElement } from 'react';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { ThemeChooser } from '../components/ThemeChooser';
import { useSettingsStore } from '../state/settings-store';

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
    </Page>
  );
}
