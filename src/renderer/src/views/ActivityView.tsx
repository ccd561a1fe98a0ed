import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { AppState } from '../../../shared/model';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { LogDetail } from '../components/LogDetail';
import { LogFilters } from '../components/LogFilters';
import { LogRow } from '../components/LogRow';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Skeleton } from '../components/Skeleton';
import { SummaryStrip } from '../components/SummaryStrip';
import { VirtualList } from '../components/VirtualList';
import { describeActor, formatTime, plural } from '../format';
import { downloadText } from '../lib/download';
import { cleanFilter, isFiltered } from '../lib/log-entries';
import { useConnectionStore } from '../state/connection-store';
import { useLiveState } from '../state/hooks';
import { useLogStore } from '../state/log-store';
import { useViewStore } from '../state/view-store';

/** Fixed, so the list can place any of 100,000 rows without measuring them. */
export const LOG_ROW_HEIGHT = 52;

function ExportButton(): ReactElement {
  const filter = useLogStore((s) => s.filter);
  const exporting = useLogStore((s) => s.exporting);
  const exportJsonl = useLogStore((s) => s.exportJsonl);
  const exportUrl = useConnectionStore((s) => s.logExportUrl);
  const title = isFiltered(filter) ? 'Download the entries matching these filters' : 'Download the whole sync log';
  if (exportUrl) {
    // Over HTTP the core streams the file itself, however long the log is.
    return (
      <a className="button button-secondary" href={exportUrl(filter)} download="deckhand-log.jsonl" title={title}>
        Export JSONL
      </a>
    );
  }
  // Inside the desktop app there is no HTTP server: page through the log over IPC and save the result.
  return (
    <button
      type="button"
      className="button button-secondary"
      title={title}
      disabled={exporting}
      aria-busy={exporting}
      onClick={() => {
        void exportJsonl().then((text) => {
          if (text !== null) downloadText(text, 'deckhand-log.jsonl');
        });
      }}
    >
      {exporting ? 'Exporting…' : 'Export JSONL'}
    </button>
  );
}

function SyncLog({ state }: { state: AppState }): ReactElement {
  const entries = useLogStore((s) => s.entries);
  const status = useLogStore((s) => s.status);
  const error = useLogStore((s) => s.error);
  const filter = useLogStore((s) => s.filter);
  const hasMore = useLogStore((s) => s.hasMore);
  const loadingOlder = useLogStore((s) => s.loadingOlder);
  const olderError = useLogStore((s) => s.olderError);
  const selectedSeq = useLogStore((s) => s.selectedSeq);
  const exportError = useLogStore((s) => s.exportError);
  const open = useLogStore((s) => s.open);
  const reload = useLogStore((s) => s.reload);
  const loadOlder = useLogStore((s) => s.loadOlder);
  const setFilter = useLogStore((s) => s.setFilter);
  const clearFilter = useLogStore((s) => s.clearFilter);
  const select = useLogStore((s) => s.select);
  const [newAbove, setNewAbove] = useState(0);
  const [toTop, setToTop] = useState(0);
  const detailRef = useRef<HTMLDivElement>(null);

  // The address and the filters follow each other: a filtered view can be reopened, bookmarked or shared.
  const routeFilter = useViewStore((s) => s.logFilter);
  const showFilter = useViewStore((s) => s.showFilter);
  const routeKey = JSON.stringify(routeFilter ?? {});
  useEffect(() => {
    const wanted = JSON.parse(routeKey) as Partial<typeof filter>;
    const current = useLogStore.getState().filter;
    if (JSON.stringify(cleanFilter(wanted)) === JSON.stringify(cleanFilter(current))) return;
    void setFilter({ boardId: '', taskId: '', actor: '', action: '', text: '', ...wanted });
  }, [routeKey, setFilter]);
  useEffect(() => {
    // From the store, not this render: the effect above may have just set the address's filter there.
    showFilter(useLogStore.getState().filter);
  }, [filter, showFilter]);

  useEffect(() => {
    void open();
  }, [open]);

  const keys = useMemo(() => entries.map((e) => e.seq), [entries]);
  const selected = useMemo(
    () => (selectedSeq === null ? null : (entries.find((e) => e.seq === selectedSeq) ?? null)),
    [entries, selectedSeq],
  );
  const onNearEnd = useCallback(() => void loadOlder(), [loadOlder]);
  const onNewAbove = useCallback((count: number) => setNewAbove(count), []);
  const filtered = isFiltered(filter);

  let list: ReactElement;
  if (status === 'error') {
    list = (
      <Notice
        tone="error"
        title="Could not load the sync log"
        action={{ label: 'Try again', onClick: () => void reload() }}
      >
        {error}
      </Notice>
    );
  } else if (status !== 'ready') {
    list = (
      <div role="status" aria-label="Loading" className="list-placeholder">
        <Skeleton lines={6} />
      </div>
    );
  } else if (entries.length === 0) {
    list = filtered ? (
      <EmptyState title="No entries match these filters">
        <p>Try a wider search, or clear the filters to see everything.</p>
        <button type="button" className="button button-secondary" onClick={() => void clearFilter()}>
          Clear filters
        </button>
      </EmptyState>
    ) : (
      <EmptyState title="Nothing in the sync log yet">
        Every change Deckhand sees or makes lands here: edits people make on a board, agent writes, conflicts and
        pauses. Move a card on the Board view to see one.
      </EmptyState>
    );
  } else {
    list = (
      <VirtualList
        keys={keys}
        rowHeight={LOG_ROW_HEIGHT}
        label="Sync log entries, newest first"
        idPrefix="log-entry"
        selected={selectedSeq}
        onSelect={(seq) => select(seq)}
        onOpen={() => detailRef.current?.focus()}
        renderRow={(_seq, index) => <LogRow entry={entries[index]!} />}
        onNearEnd={hasMore ? onNearEnd : undefined}
        sizeUnknown={hasMore}
        onNewAbove={onNewAbove}
        scrollTopSignal={toTop}
        footer={
          olderError ? (
            <span className="text-bad">
              Could not load older entries: {olderError}{' '}
              <button type="button" className="button button-ghost" onClick={() => void loadOlder()}>
                Try again
              </button>
            </span>
          ) : loadingOlder ? (
            'Loading older entries…'
          ) : hasMore ? (
            ' '
          ) : (
            `Start of the ${filtered ? 'matching entries' : 'log'} · ${plural(entries.length, 'entry', 'entries')}`
          )
        }
      />
    );
  }

  return (
    <>
      <LogFilters
        filter={filter}
        boards={state.boards}
        agents={state.agents}
        onChange={(patch) => void setFilter(patch)}
        onClear={() => void clearFilter()}
      />
      {exportError ? <p className="text-bad">{exportError}</p> : null}
      <div className="activity-body">
        <div className="activity-list">
          {newAbove > 0 ? (
            <button
              type="button"
              className="button button-primary new-entries"
              onClick={() => {
                setToTop((n) => n + 1);
                setNewAbove(0);
              }}
            >
              ↑ {plural(newAbove, 'new entry', 'new entries')}
            </button>
          ) : null}
          {list}
          <p className="list-hint" aria-hidden="true">
            <kbd>↑</kbd> <kbd>↓</kbd> or <kbd>j</kbd> <kbd>k</kbd> move · <kbd>Enter</kbd> details · scrolling loads
            older entries
          </p>
        </div>
        <div ref={detailRef} tabIndex={-1} className="activity-detail">
          <LogDetail
            entry={selected}
            boards={state.boards}
            onFilterTask={(boardId, taskId) => void setFilter({ taskId, ...(boardId ? { boardId } : {}) })}
            onClose={() => select(null)}
          />
        </div>
      </div>
    </>
  );
}

/** The sync log, live: who changed what, from what to what, and why. */
export function ActivityView(): ReactElement {
  const { state, error, retry } = useLiveState();
  return (
    <Page
      title="Activity"
      description="Every change Deckhand saw or made, newest first."
      actions={<ExportButton />}
      fill
    >
      <LoadGate value={state} error={error} onRetry={retry} lines={6}>
        {(s) => (
          <>
            {s.pause.paused ? (
              <Notice tone="warn" title="All agents are paused">
                <span data-testid="pause-detail">
                  Paused by {describeActor(s.pause.by)} at {formatTime(s.pause.at)}
                  {s.pause.reason ? ` (reason: “${s.pause.reason}”)` : ''}. Nothing writes to your boards until you
                  resume.
                </span>
              </Notice>
            ) : null}
            <SummaryStrip
              items={[
                { label: 'Boards', value: s.boards.length },
                { label: 'Agents', value: s.agents.length },
                { label: 'Outbox', value: s.counts.outbox },
                { label: 'Conflicts', value: s.counts.conflicts, tone: s.counts.conflicts > 0 ? 'warn' : 'neutral' },
                { label: 'Errors', value: s.counts.errors, tone: s.counts.errors > 0 ? 'bad' : 'neutral' },
                {
                  label: 'Blocked on you',
                  value: s.counts.blockedOnHuman,
                  tone: s.counts.blockedOnHuman > 0 ? 'warn' : 'neutral',
                },
              ]}
            />
            <SyncLog state={s} />
          </>
        )}
      </LoadGate>
    </Page>
  );
}
