import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { BoardSettingField, BoardTypeInfo, SavedBoardView } from '../../../shared/board-types';
import type { ConnectionDraft, ConnectionTest } from '../state/connections-store';
import { Dialog } from './Dialog';

export interface ConnectionDialogProps {
  types: readonly BoardTypeInfo[];
  /** The board being edited; absent to add one. */
  existing?: SavedBoardView;
  testing: boolean;
  testResult: ConnectionTest | null;
  saving: boolean;
  saveError: string | null;
  onTest(draft: ConnectionDraft): void;
  onSave(draft: ConnectionDraft): void;
  onClose(): void;
  /** Whether secrets can go to an OS keychain here; without one, secret fields take environment variable names. */
  secretStorage?: { keychain: boolean; message: string } | null;
}

/** Plain settings of a saved board as form text; secrets never come back, so they start empty. */
function initialSettings(existing: SavedBoardView | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(existing?.settings ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value);
  }
  return out;
}

function SettingInput({
  field,
  value,
  secretSet,
  fromEnv,
  envPrefix,
  onChange,
}: {
  field: BoardSettingField;
  value: string;
  secretSet: boolean;
  /** No keychain: the field names the environment variable that holds the secret. */
  fromEnv: boolean;
  /** The board type, for an example variable name (KANBOARD_TOKEN). */
  envPrefix: string;
  onChange(value: string): void;
}): ReactElement {
  const id = useId();
  if (fromEnv && field.kind === 'secret') {
    return (
      <div className="form-field">
        <label htmlFor={id} className="field-label">
          {field.label}: environment variable
          {field.required ? null : <span className="text-muted"> (optional)</span>}
        </label>
        <input
          id={id}
          className="input mono"
          type="text"
          value={value}
          placeholder={`e.g. ${`${envPrefix}_${field.key}`.replace(/\W+/g, '_').toUpperCase()}`}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange(e.target.value)}
        />
        <p className="field-hint" id={`${id}-hint`}>
          The name of a variable in the environment of the Deckhand process that holds the value (set it in the
          service&apos;s environment, then restart Deckhand). The value itself is never typed here.
        </p>
      </div>
    );
  }
  const hint =
    field.kind === 'secret'
      ? secretSet
        ? 'A value is stored in the keychain. Leave empty to keep it; type to replace it.'
        : (field.help ?? 'Stored in the OS keychain; never shown again.')
      : field.help;
  return (
    <div className="form-field">
      <label htmlFor={id} className="field-label">
        {field.label}
        {field.required ? null : <span className="text-muted"> (optional)</span>}
      </label>
      <input
        id={id}
        className="input"
        type={field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : 'text'}
        value={value}
        placeholder={field.kind === 'secret' && secretSet ? '••••••••  (stored)' : field.placeholder}
        autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
        spellCheck={false}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Add or edit a board connection. The fields come from the board type's
 * declared settings, so a new adapter needs no new form. Secrets go to the
 * keychain and are never shown back.
 */
export function ConnectionDialog({
  types,
  existing,
  testing,
  testResult,
  saving,
  saveError,
  onTest,
  onSave,
  onClose,
  secretStorage,
}: ConnectionDialogProps): ReactElement {
  const id = useId();
  const noKeychain = secretStorage?.keychain === false;
  const available = types.filter((t) => t.available);
  const [type, setType] = useState(
    existing?.type ?? available.find((t) => t.type !== 'local')?.type ?? available[0]?.type ?? '',
  );
  const [boardId, setBoardId] = useState(existing?.id ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [settings, setSettings] = useState<Record<string, string>>(() => initialSettings(existing));
  const info = types.find((t) => t.type === type);
  const draft: ConnectionDraft = {
    id: boardId.trim(),
    type,
    name,
    settings,
    ...(noKeychain ? { secretsFromEnv: true } : {}),
  };
  const slugProblem =
    boardId.trim() === '' || /^[a-z0-9][a-z0-9_-]*$/.test(boardId.trim())
      ? null
      : 'Use lowercase letters, digits, "-" and "_"; it becomes part of the webhook URL.';
  const missing = (info?.fields ?? []).filter(
    (f) =>
      f.required &&
      (settings[f.key] ?? '').trim() === '' &&
      !(f.kind === 'secret' && typeof existing?.settings[f.key] === 'object'),
  );
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (boardId.trim() === '' || slugProblem || missing.length > 0) return;
    onSave(draft);
  };
  return (
    <Dialog title={existing ? `Edit board ${existing.name}` : 'Add a board'} onClose={onClose} size="large">
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <div className="form-row">
            <div className="form-field">
              <label htmlFor={`${id}-type`} className="field-label">
                Type
              </label>
              <select
                id={`${id}-type`}
                className="select"
                value={type}
                disabled={existing !== undefined}
                onChange={(e) => setType(e.target.value)}
              >
                {available.map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-field">
              <label htmlFor={`${id}-id`} className="field-label">
                Id
              </label>
              <input
                id={`${id}-id`}
                className="input mono"
                value={boardId}
                disabled={existing !== undefined}
                placeholder="team-board"
                spellCheck={false}
                aria-invalid={slugProblem ? true : undefined}
                aria-describedby={`${id}-id-hint`}
                onChange={(e) => setBoardId(e.target.value)}
              />
              <p className={slugProblem ? 'field-problem' : 'field-hint'} id={`${id}-id-hint`}>
                {slugProblem ?? 'Short and permanent: the sync log and webhooks use it.'}
              </p>
            </div>
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-name`} className="field-label">
              Name <span className="text-muted">(optional)</span>
            </label>
            <input id={`${id}-name`} className="input" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {info && info.fields.length === 0 ? (
            <p className="field-hint">This board type needs no settings: it lives in Deckhand&apos;s own database.</p>
          ) : null}
          {noKeychain && (info?.fields ?? []).some((f) => f.kind === 'secret') ? (
            <div className="notice notice-warn" role="note" data-testid="no-keychain">
              <p className="notice-title">No keychain on this server: secrets come from environment variables</p>
              <p className="notice-body">
                {secretStorage?.message}. Put each token in an environment variable of the Deckhand process and name the
                variable below; Deckhand reads it from there and never stores the value.
              </p>
            </div>
          ) : null}
          {(info?.fields ?? []).map((field) => (
            <SettingInput
              key={`${type}:${field.key}`}
              fromEnv={noKeychain}
              envPrefix={type}
              field={field}
              value={settings[field.key] ?? ''}
              secretSet={typeof existing?.settings[field.key] === 'object'}
              onChange={(value) => setSettings((s) => ({ ...s, [field.key]: value }))}
            />
          ))}
        </div>
        <div className="connection-result" role="status" data-testid="connection-result">
          {testing ? (
            'Testing the connection…'
          ) : testResult ? (
            <span className={testResult.ok ? 'text-good' : 'text-bad'}>
              {testResult.created?.length ? `Added ${testResult.created.map((c) => `“${c}”`).join(' and ')}. ` : ''}
              {testResult.ok ? 'Connected: ' : 'Could not connect: '}
              {testResult.message}
              {testResult.columns?.length ? ` (${testResult.columns.join(', ')})` : ''}
            </span>
          ) : missing.length > 0 ? (
            <span className="text-muted">Still needed: {missing.map((f) => f.label).join(', ')}.</span>
          ) : null}
          {!testing && testResult?.ok && testResult.warnings?.length ? (
            <ul className="connection-warnings" data-testid="connection-warnings">
              {testResult.warnings.map((w) => (
                <li key={w} className="text-warn">
                  Warning: {w}
                </li>
              ))}
            </ul>
          ) : null}
          {!testing && testResult?.ok && testResult.missingRoles?.length && testResult.columns?.length ? (
            <RoleMapping
              roles={testResult.missingRoles.filter((role) =>
                (info?.fields ?? []).some((f) => f.key === `columns.${role}`),
              )}
              columns={testResult.columns}
              value={(role) => settings[`columns.${role}`] ?? ''}
              onChange={(role, column) => setSettings((s) => ({ ...s, [`columns.${role}`]: column }))}
              {...(testResult.canCreateColumns
                ? { onCreate: (roles) => onTest({ ...draft, createColumns: [...roles] }) }
                : {})}
            />
          ) : null}
        </div>
        {saveError ? (
          <p className="form-error" role="alert">
            Not saved: {saveError}
          </p>
        ) : null}
        <div className="dialog-foot">
          <button
            type="button"
            className="button button-secondary"
            disabled={testing || !info}
            onClick={() => onTest(draft)}
          >
            Test connection
          </button>
          <span className="dialog-foot-spacer" />
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={saving || boardId.trim() === '' || slugProblem !== null || missing.length > 0}
            aria-busy={saving}
          >
            {saving ? 'Saving…' : existing ? 'Save' : 'Add board'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The names the core gives columns it adds (its first recognised name per role). */
const ROLE_NAMES = { review: 'Ready for Review', blocked: 'Blocked — Needs Input' } as const;

const ROLE_WORDS = {
  review: 'finished work waits for a person',
  blocked: 'a task waits for an answer',
} as const;

/**
 * For each role the board has no column for: pick one of its existing columns. The choice fills the board's
 * column setting (saved with the board); "Test connection" again confirms it.
 */
function RoleMapping({
  roles,
  columns,
  value,
  onChange,
  onCreate,
}: {
  roles: readonly ('review' | 'blocked')[];
  columns: readonly string[];
  value(role: 'review' | 'blocked'): string;
  onChange(role: 'review' | 'blocked', column: string): void;
  /** Only where the board's API can add a column. */
  onCreate?(roles: readonly ('review' | 'blocked')[]): void;
}): ReactElement | null {
  const id = useId();
  if (roles.length === 0) return null;
  return (
    <fieldset className="role-mapping" data-testid="role-mapping">
      <legend className="field-label">Use an existing column instead</legend>
      {roles.map((role) => (
        <div key={role} className="role-mapping-row">
          <label htmlFor={`${id}-${role}`}>
            As the {role} column ({ROLE_WORDS[role]})
          </label>
          <select
            id={`${id}-${role}`}
            className="select"
            value={value(role)}
            onChange={(e) => onChange(role, e.target.value)}
          >
            <option value="">None: keep the behaviour above</option>
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      ))}
      <p className="field-hint">Saved with the board. Test the connection again to check the choice.</p>
      {onCreate && roles.some((role) => value(role) === '') ? (
        <div>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => onCreate(roles.filter((role) => value(role) === ''))}
          >
            Add{' '}
            {roles
              .filter((role) => value(role) === '')
              .map((role) => `“${ROLE_NAMES[role]}”`)
              .join(' and ')}{' '}
            to the board
          </button>
        </div>
      ) : null}
    </fieldset>
  );
}
