import { useEffect, useState, type ReactElement } from 'react';
import { EMBEDDED_CONFIG_SOURCE, type AppState } from '../../../shared/model';
import { BoardPicker } from '../components/BoardPicker';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Notice } from '../components/Notice';
import { OwnershipTable } from '../components/OwnershipTable';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { Skeleton } from '../components/Skeleton';
import { formatTime, plural } from '../format';
import { describeLogActor } from '../lib/log-entries';
import { useLiveState } from '../state/hooks';
import { changedFields, useOwnershipStore } from '../state/ownership-store';

function Editor({ state, boardId }: { state: AppState; boardId: string }): ReactElement {
  const saved = useOwnershipStore((s) => s.saved);
  const draft = useOwnershipStore((s) => s.draft);
  const loadedBoard = useOwnershipStore((s) => s.boardId);
  const status = useOwnershipStore((s) => s.status);
  const error = useOwnershipStore((s) => s.error);
  const saving = useOwnershipStore((s) => s.saving);
  const saveError = useOwnershipStore((s) => s.saveError);
  const problems = useOwnershipStore((s) => s.problems);
  const savedNotice = useOwnershipStore((s) => s.savedNotice);
  const load = useOwnershipStore((s) => s.load);
  const setOwner = useOwnershipStore((s) => s.setOwner);
  const setPolicy = useOwnershipStore((s) => s.setPolicy);
  const revert = useOwnershipStore((s) => s.revert);
  const save = useOwnershipStore((s) => s.save);

  useEffect(() => {
    void load(boardId);
  }, [boardId, load]);

  const board = state.boards.find((b) => b.id === boardId);
  if (status === 'error' && loadedBoard === boardId) {
    return (
      <Notice
        tone="error"
        title="Could not load the ownership rules"
        action={{ label: 'Try again', onClick: () => void load(boardId) }}
      >
        {error}
      </Notice>
    );
  }
  if (!saved || !draft || loadedBoard !== boardId) {
    return (
      <div role="status" aria-label="Loading">
        <Skeleton lines={6} />
      </div>
    );
  }
  const changed = changedFields(saved.rules, draft);
  const version =
    saved.version === 0
      ? state.configSource === EMBEDDED_CONFIG_SOURCE
        ? "Version 0 · Deckhand's built-in defaults (no config file); not changed here yet"
        : 'Version 0 · the defaults from your config file; not changed here yet'
      : `Version ${saved.version} · saved by ${describeLogActor(saved.updatedBy)} at ${formatTime(saved.updatedAt)}`;
  return (
    <Panel title={`Fields of ${board?.name ?? boardId}`} aside={<span data-testid="ownership-version">{version}</span>}>
      <OwnershipTable
        rules={draft}
        saved={saved.rules}
        problems={problems}
        disabled={saving}
        onOwner={setOwner}
        onPolicy={setPolicy}
      />
      <div className="form-foot">
        <p className="form-status" role="status" data-testid="ownership-status">
          {saveError ? (
            <span className="text-bad">{saveError}</span>
          ) : saving ? (
            'Saving…'
          ) : savedNotice ? (
            <span className="text-good">{savedNotice}</span>
          ) : changed.length > 0 ? (
            `${plural(changed.length, 'unsaved change')}`
          ) : (
            'No unsaved changes.'
          )}
        </p>
        <button
          type="button"
          className="button button-secondary"
          onClick={revert}
          disabled={changed.length === 0 || saving}
        >
          Discard changes
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void save()}
          disabled={changed.length === 0 || saving}
          aria-busy={saving}
        >
          Save as version {saved.version + 1}
        </button>
      </div>
    </Panel>
  );
}

/** Who may write which task field, and how a conflict on it is settled, per board. */
export function OwnershipView(): ReactElement {
  const { state, error, retry } = useLiveState();
  const [picked, setPicked] = useState<string | null>(null);
  const current = useOwnershipStore((s) => s.boardId);
  const boards = state?.boards ?? [];
  const wanted = picked ?? current;
  const boardId = boards.some((b) => b.id === wanted) ? wanted! : boards[0]?.id;
  return (
    <Page
      title="Ownership"
      description="Who may change each task field (you, your agents, or both) and what happens when both change it."
      actions={
        boards.length > 1 && boardId ? <BoardPicker boards={boards} value={boardId} onChange={setPicked} /> : undefined
      }
    >
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) =>
          boardId ? (
            <>
              <Editor state={s} boardId={boardId} />
              <p className="field-hint">
                Saving creates a new version that applies at once, including to agent writes still on their way. Agents
                never write a field owned by humans, whatever its policy. Every change is recorded in the sync log.
              </p>
            </>
          ) : (
            <EmptyState title="No boards configured">
              Add a board under <code>boards:</code> in your config; its ownership rules can be edited here.
            </EmptyState>
          )
        }
      </LoadGate>
    </Page>
  );
}
