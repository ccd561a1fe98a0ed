import type { ReactElement } from 'react';
import type { AgentDraft, DraftErrors } from '../lib/agent-form';
import { TextField } from './TextField';

export interface AgentProviderFieldsProps {
  draft: AgentDraft;
  errors: DraftErrors;
  apiKey: string;
  /** The agent already has a key in the keychain: an empty field keeps it. */
  keyStored: boolean;
  testing: boolean;
  modelTest: { ok: boolean; message: string } | null;
  onDraft(patch: Partial<AgentDraft>): void;
  onApiKey(value: string): void;
  onTest(): void;
}

/** The model behind the agent (as onboarding offers it), or the note that an MCP client does the work. */
export function AgentProviderFields(props: AgentProviderFieldsProps): ReactElement {
  const { draft, errors, apiKey, keyStored, onDraft, onApiKey } = props;
  if (draft.provider === 'demo') {
    return <p className="field-hint">No AI: it restates the task, so you can see the loop work.</p>;
  }
  if (draft.provider === 'mcp') {
    return (
      <p className="field-hint" data-testid="mcp-note">
        A coding agent you drive yourself (Claude Code, Codex, Cursor, Gemini CLI) works the routed tasks over MCP.
        Deckhand makes its token when you save and shows it once.
      </p>
    );
  }
  const keyHint = keyStored
    ? 'A key is stored in the keychain. Leave empty to keep it.'
    : draft.provider === 'openai'
      ? 'Stored in the OS keychain; never shown again. Local servers need none.'
      : 'Stored in the OS keychain; never shown again.';
  return (
    <>
      <div className="form-row">
        {draft.provider === 'openai' ? (
          <TextField
            label="Base URL"
            type="url"
            mono
            value={draft.baseUrl}
            placeholder="http://127.0.0.1:11434/v1"
            onChange={(baseUrl) => onDraft({ baseUrl })}
            error={errors.baseUrl}
          />
        ) : null}
        <TextField
          label="Model"
          mono
          value={draft.model}
          placeholder={draft.provider === 'openai' ? 'llama3.1' : 'claude-sonnet-4-5'}
          onChange={(model) => onDraft({ model })}
          error={errors.model}
        />
      </div>
      <TextField
        label="API key"
        type="password"
        optional={draft.provider === 'openai' || keyStored}
        value={apiKey}
        onChange={onApiKey}
        error={errors.apiKey}
        hint={keyHint}
      />
      <div className="onboarding-test">
        <button
          type="button"
          className="button button-secondary"
          disabled={props.testing}
          aria-busy={props.testing}
          onClick={props.onTest}
        >
          {props.testing ? 'Testing…' : 'Test the model'}
        </button>
        <p
          className={`onboarding-test-result${props.modelTest ? (props.modelTest.ok ? ' text-good' : ' text-bad') : ''}`}
          role="status"
          data-testid="model-test-result"
        >
          {props.modelTest ? `${props.modelTest.ok ? 'Works' : 'Did not work'}: ${props.modelTest.message}` : ''}
        </p>
      </div>
    </>
  );
}
