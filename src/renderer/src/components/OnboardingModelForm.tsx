import { useId, useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { TextField } from './TextField';
import type { LocalModelServer, OnboardingModel } from '../../../shared/model';
import type { FieldErrors, ModelChoice } from '../state/onboarding-store';

type Kind = 'demo' | 'local' | 'openai' | 'anthropic';

export interface OnboardingModelFormProps {
  current: OnboardingModel | null;
  localModels: readonly LocalModelServer[];
  busy: boolean;
  testing: boolean;
  fieldErrors: FieldErrors;
  modelTest: { ok: boolean; message: string } | null;
  onTest(choice: ModelChoice): void;
  onSubmit(choice: ModelChoice): void;
  onChange(): void;
  /** The step's footer (back, continue), inside the form so Enter submits. */
  footer: ReactNode;
}

function initialKind(current: OnboardingModel | null, localModels: readonly LocalModelServer[]): Kind {
  if (current?.type === 'anthropic') return 'anthropic';
  if (current?.type === 'openai') {
    return localModels.some((m) => m.baseUrl === current.baseUrl && m.model === current.model) ? 'local' : 'openai';
  }
  return 'demo';
}

/** Step 2: which model the default agent uses. The key goes to the keychain and is never shown again. */
export function OnboardingModelForm({
  current,
  localModels,
  busy,
  testing,
  fieldErrors,
  modelTest,
  onTest,
  onSubmit,
  onChange,
  footer,
}: OnboardingModelFormProps): ReactElement {
  const name = useId();
  const [kind, setKind] = useState<Kind>(() => initialKind(current, localModels));
  const [localIndex, setLocalIndex] = useState(() =>
    Math.max(
      0,
      localModels.findIndex((m) => m.baseUrl === current?.baseUrl && m.model === current?.model),
    ),
  );
  const [baseUrl, setBaseUrl] = useState(current?.type === 'openai' ? (current.baseUrl ?? '') : '');
  const [openaiModel, setOpenaiModel] = useState(current?.type === 'openai' ? (current.model ?? '') : '');
  const [anthropicModel, setAnthropicModel] = useState(current?.type === 'anthropic' ? (current.model ?? '') : '');
  const [apiKey, setApiKey] = useState('');

  const change =
    <T,>(setter: (v: T) => void) =>
    (value: T) => {
      setter(value);
      onChange();
    };

  const choice = (): ModelChoice => {
    const key = apiKey.trim();
    switch (kind) {
      case 'demo':
        return { type: 'demo' };
      case 'local': {
        const local = localModels[localIndex] ?? localModels[0]!;
        return { type: 'openai', baseUrl: local.baseUrl, model: local.model };
      }
      case 'openai':
        return { type: 'openai', baseUrl: baseUrl.trim(), model: openaiModel.trim(), ...(key ? { apiKey: key } : {}) };
      case 'anthropic':
        return { type: 'anthropic', model: anthropicModel.trim(), ...(key ? { apiKey: key } : {}) };
    }
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSubmit(choice());
  };

  const option = (value: Kind, label: string, hint: string, extra?: ReactNode, index?: number): ReactElement => {
    const checked = kind === value && (index === undefined || index === localIndex);
    return (
      <label className={`onboarding-option${checked ? ' is-selected' : ''}`}>
        <input
          type="radio"
          name={name}
          value={index === undefined ? value : `${value}-${index}`}
          checked={checked}
          onChange={() => {
            setKind(value);
            if (index !== undefined) setLocalIndex(index);
            onChange();
          }}
        />
        <span className="onboarding-option-text">
          <span className="onboarding-option-label">{label}</span>
          <span className="onboarding-option-hint">{hint}</span>
          {extra}
        </span>
      </label>
    );
  };

  const canTest = kind !== 'demo';
  return (
    <form onSubmit={submit} noValidate className="onboarding-form">
      <fieldset className="onboarding-options">
        <legend className="visually-hidden">Model for the agent</legend>
        {localModels.map((m, i) => (
          <div key={`${m.baseUrl} ${m.model}`}>
            {option(
              'local',
              `${m.model} on ${m.name}`,
              `Found on this computer at ${m.baseUrl}. Nothing leaves your machine.`,
              undefined,
              i,
            )}
          </div>
        ))}
        {option(
          'demo',
          'Offline demo agent',
          'No AI: it restates the task, so you can see the loop work. Change it any time.',
        )}
        {option('openai', 'OpenAI-compatible server', 'Ollama, LM Studio, vLLM, llama.cpp, or a hosted API.')}
        {option('anthropic', 'Anthropic', 'Claude models, with your API key.')}
      </fieldset>

      <div className="onboarding-fields" hidden={kind !== 'openai'}>
        {kind === 'openai' ? (
          <>
            <TextField
              label="Base URL"
              type="url"
              value={baseUrl}
              placeholder="http://127.0.0.1:11434/v1"
              onChange={change(setBaseUrl)}
              error={fieldErrors.baseUrl}
            />
            <TextField
              label="Model"
              value={openaiModel}
              placeholder="llama3.1"
              onChange={change(setOpenaiModel)}
              error={fieldErrors.model}
            />
            <TextField
              label="API key"
              type="password"
              optional
              value={apiKey}
              onChange={change(setApiKey)}
              error={fieldErrors.apiKey}
              hint="Stored in the OS keychain; never shown again. Local servers need none."
            />
          </>
        ) : null}
      </div>
      <div className="onboarding-fields" hidden={kind !== 'anthropic'}>
        {kind === 'anthropic' ? (
          <>
            <TextField
              label="Model"
              value={anthropicModel}
              placeholder="claude-sonnet-4-5"
              onChange={change(setAnthropicModel)}
              error={fieldErrors.model}
            />
            <TextField
              label="API key"
              type="password"
              optional={current?.type === 'anthropic' && current.keySet}
              value={apiKey}
              onChange={change(setApiKey)}
              error={fieldErrors.apiKey}
              hint={
                current?.type === 'anthropic' && current.keySet
                  ? 'A key is stored in the keychain. Leave empty to keep it.'
                  : 'Stored in the OS keychain; never shown again.'
              }
            />
          </>
        ) : null}
      </div>

      <div className="onboarding-test">
        {canTest ? (
          <button
            type="button"
            className="button button-secondary"
            disabled={testing || busy}
            onClick={() => onTest(choice())}
          >
            {testing ? 'Testing…' : 'Test the model'}
          </button>
        ) : null}
        <p
          className={`onboarding-test-result${modelTest ? (modelTest.ok ? ' text-good' : ' text-bad') : ''}`}
          role="status"
          data-testid="model-test-result"
        >
          {modelTest ? `${modelTest.ok ? 'Works' : 'Did not work'}: ${modelTest.message}` : ''}
        </p>
      </div>
      {fieldErrors.form ? (
        <p className="form-error" role="alert">
          {fieldErrors.form}
        </p>
      ) : null}
      {footer}
    </form>
  );
}
