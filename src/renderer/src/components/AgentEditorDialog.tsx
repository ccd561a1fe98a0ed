import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { BoardSummary } from '../../../shared/model';
import {
  EDITOR_PROVIDERS,
  EDITOR_WORKFLOWS,
  type AgentDraft,
  type DraftErrors,
  type EditorProvider,
} from '../lib/agent-form';
import { AgentProviderFields } from './AgentProviderFields';
import { Dialog } from './Dialog';
import { TextField } from './TextField';

const PROVIDER_LABELS: Record<EditorProvider, string> = {
  demo: 'Offline demo agent (no AI)',
  openai: 'OpenAI-compatible server (Ollama, LM Studio, a hosted API)',
  anthropic: 'Anthropic',
  mcp: 'MCP client (Claude Code, Codex, Cursor, Gemini CLI)',
};

export interface AgentEditorDialogProps {
  initial: AgentDraft;
  creating: boolean;
  keyStored: boolean;
  boards: readonly BoardSummary[];
  saving: boolean;
  errors: DraftErrors;
  testing: boolean;
  modelTest: { ok: boolean; message: string } | null;
  onChange(field: keyof DraftErrors): void;
  onTest(draft: AgentDraft, apiKey: string): void;
  onSave(draft: AgentDraft, apiKey: string): void;
  onClose(): void;
}

/** Add or edit an agent: the fields a config file's `agents:` entry takes, checked by the core's schema. */
export function AgentEditorDialog(props: AgentEditorDialogProps): ReactElement {
  const id = useId();
  const { errors, creating } = props;
  const [draft, setDraft] = useState(props.initial);
  const [apiKey, setApiKey] = useState('');
  const patch = (p: Partial<AgentDraft>): void => {
    setDraft((d) => ({ ...d, ...p }));
    for (const key of Object.keys(p)) props.onChange(key as keyof DraftErrors);
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    props.onSave(draft, apiKey);
  };
  const workflows = draft.provider === 'mcp' ? EDITOR_WORKFLOWS.filter((w) => w !== 'digest') : EDITOR_WORKFLOWS;
  const select = (
    key: 'board' | 'workflow' | 'provider',
    label: string,
    options: readonly { value: string; label: string }[],
  ): ReactElement => (
    <div className="form-field">
      <label htmlFor={`${id}-${key}`} className="field-label">
        {label}
      </label>
      <select
        id={`${id}-${key}`}
        className="select"
        value={draft[key]}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${id}-${key}-error` : undefined}
        onChange={(e) => patch({ [key]: e.target.value } as Partial<AgentDraft>)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errors[key] ? (
        <p className="field-problem" id={`${id}-${key}-error`}>
          {errors[key]}
        </p>
      ) : null}
    </div>
  );
  return (
    <Dialog title={creating ? 'Add an agent' : `Edit agent ${draft.id}`} onClose={props.onClose} size="large">
      <form onSubmit={submit} noValidate data-testid="agent-editor">
        <div className="form-grid">
          <div className="form-row">
            <TextField
              label="Id"
              mono
              value={draft.id}
              disabled={!creating}
              placeholder="helper"
              hint="Short and permanent: runs and the sync log name the agent by it."
              onChange={(v) => patch({ id: v })}
              error={errors.id}
            />
            {select(
              'board',
              'Board',
              props.boards.map((b) => ({ value: b.id, label: b.name })),
            )}
          </div>
          <div className="form-row">
            {select(
              'provider',
              'Who does the work',
              EDITOR_PROVIDERS.map((p) => ({ value: p, label: PROVIDER_LABELS[p] })),
            )}
            {select(
              'workflow',
              'Workflow',
              workflows.map((w) => ({ value: w, label: w })),
            )}
          </div>
          <AgentProviderFields
            draft={draft}
            errors={errors}
            apiKey={apiKey}
            keyStored={props.keyStored}
            testing={props.testing}
            modelTest={props.modelTest}
            onDraft={patch}
            onApiKey={(v) => {
              setApiKey(v);
              props.onChange('apiKey');
            }}
            onTest={() => props.onTest(draft, apiKey)}
          />
          {draft.workflow === 'digest' ? (
            <div className="form-row">
              <TextField
                label="Schedule"
                mono
                optional
                value={draft.schedule}
                placeholder="0 9 * * 1-5"
                hint="5-field cron, local time; 09:00 daily when empty."
                onChange={(v) => patch({ schedule: v })}
                error={errors.schedule}
              />
              <TextField
                label="Assign the digest to"
                optional
                value={draft.assignTo}
                onChange={(v) => patch({ assignTo: v })}
                error={errors.assignTo}
              />
            </div>
          ) : (
            <>
              <div className="form-row">
                <TextField
                  label="Route labels"
                  value={draft.labels}
                  placeholder="needs-ai"
                  hint="A task with any of these labels is this agent's. Comma-separated."
                  onChange={(v) => patch({ labels: v })}
                  error={errors.labels}
                />
                <TextField
                  label="Route columns"
                  optional
                  value={draft.columns}
                  placeholder="todo"
                  hint="A role such as todo, or a column name."
                  onChange={(v) => patch({ columns: v })}
                  error={errors.columns}
                />
              </div>
              <div className="form-row">
                <TextField
                  label="Never touch labels"
                  optional
                  value={draft.excludeLabels}
                  placeholder="needs-human-review"
                  onChange={(v) => patch({ excludeLabels: v })}
                  error={errors.excludeLabels}
                />
                <TextField
                  label="When done, move to"
                  optional
                  value={draft.onDone}
                  placeholder="review"
                  onChange={(v) => patch({ onDone: v })}
                  error={errors.onDone}
                />
              </div>
            </>
          )}
          <div className="form-row">
            <TextField
              label="Runs per day"
              optional
              value={draft.runsPerDay}
              onChange={(v) => patch({ runsPerDay: v })}
              error={errors.runsPerDay}
            />
            <TextField
              label="Cost per day (USD)"
              optional
              value={draft.costPerDay}
              onChange={(v) => patch({ costPerDay: v })}
              error={errors.costPerDay}
            />
          </div>
          <div className="form-row">
            <TextField
              label="Runs at a time"
              optional
              value={draft.concurrency}
              placeholder="1"
              onChange={(v) => patch({ concurrency: v })}
              error={errors.concurrency}
            />
          </div>
          {draft.provider === 'openai' || draft.provider === 'anthropic' ? (
            <TextField
              label="Prompt"
              optional
              multiline
              value={draft.prompt}
              onChange={(v) => patch({ prompt: v })}
              error={errors.prompt}
            />
          ) : null}
        </div>
        {errors.form ? (
          <p className="form-error" role="alert">
            Not saved: {errors.form}
          </p>
        ) : null}
        <div className="dialog-foot">
          <span className="dialog-foot-spacer" />
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.saving} aria-busy={props.saving}>
            {props.saving ? 'Saving…' : creating ? 'Add agent' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
