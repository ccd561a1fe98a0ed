import { useId, type ReactElement } from 'react';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** The core's or the form's problem with this field, shown under it. */
  error: string | undefined;
  hint?: string;
  type?: 'text' | 'url' | 'password';
  placeholder?: string;
  optional?: boolean;
  disabled?: boolean;
  mono?: boolean;
  /** A few lines (a prompt). */
  multiline?: boolean;
}

/** A labelled input with its hint and its problem, tied together for screen readers. */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  placeholder,
  optional = false,
  disabled = false,
  mono = false,
  multiline = false,
}: TextFieldProps): ReactElement {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const common = {
    id,
    className: `input${mono ? ' mono' : ''}`,
    value,
    placeholder,
    disabled,
    spellCheck: false,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
  };
  return (
    <div className="form-field">
      <label htmlFor={id} className="field-label">
        {label}
        {optional ? <span className="text-muted"> (optional)</span> : null}
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={type}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-problem" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
