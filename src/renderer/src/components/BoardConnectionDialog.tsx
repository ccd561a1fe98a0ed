import type { ReactElement } from 'react';
import type { SavedBoardView } from '../../../shared/board-types';
import { useConnectionsStore, type ConnectionDraft } from '../state/connections-store';
import { ConnectionDialog } from './ConnectionDialog';

export interface BoardConnectionDialogProps {
  /** The board being edited; absent to add one. */
  existing?: SavedBoardView;
  /** After the core saved the board (the dialog stays open when saving fails, showing why). */
  onSaved(draft: ConnectionDraft): void | Promise<void>;
  onClose(): void;
}

/** The add/edit board dialog wired to the connections store: testing and saving go through the core. */
export function BoardConnectionDialog({ existing, onSaved, onClose }: BoardConnectionDialogProps): ReactElement {
  const types = useConnectionsStore((s) => s.types);
  const testing = useConnectionsStore((s) => s.testing);
  const testResult = useConnectionsStore((s) => s.testResult);
  const secretStorage = useConnectionsStore((s) => s.secretStorage);
  const saving = useConnectionsStore((s) => s.saving);
  const saveError = useConnectionsStore((s) => s.saveError);
  const testConnection = useConnectionsStore((s) => s.test);
  const saveConnection = useConnectionsStore((s) => s.save);
  return (
    <ConnectionDialog
      types={types}
      {...(existing ? { existing } : {})}
      testing={testing}
      testResult={testResult}
      secretStorage={secretStorage}
      saving={saving}
      saveError={saveError}
      onTest={(draft) => void testConnection(draft)}
      onSave={(draft) => {
        void saveConnection(draft).then(async (ok) => {
          if (ok) await onSaved(draft);
        });
      }}
      onClose={onClose}
    />
  );
}
