import type { ReactElement, ReactNode } from 'react';

export interface SettingToggleProps {
  id: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange(checked: boolean): void;
  /** One line on what the choice does. */
  children: ReactNode;
}

/** A native checkbox drawn as a switch, so Space toggles it and screen readers call it a checkbox. */
export function SettingToggle({ id, label, checked, disabled, onChange, children }: SettingToggleProps): ReactElement {
  const hint = `${id}-hint`;
  return (
    <div className="setting-toggle">
      <input
        id={id}
        type="checkbox"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={hint}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <div>
        <label htmlFor={id} className="setting-toggle-label">
          {label}
        </label>
        <p id={hint} className="field-hint setting-toggle-hint">
          {children}
        </p>
      </div>
    </div>
  );
}
