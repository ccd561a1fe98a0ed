import type { ReactElement } from 'react';
import type { Theme } from '../../../shared/model';

const OPTIONS: { value: Theme; label: string; hint: string }[] = [
  { value: 'system', label: 'System', hint: 'Follow the operating system' },
  { value: 'light', label: 'Light', hint: 'Always light' },
  { value: 'dark', label: 'Dark', hint: 'Always dark' },
];

export interface ThemeChooserProps {
  value: Theme;
  disabled: boolean;
  onChange(theme: Theme): void;
}

/** Native radio buttons styled as a segmented control, so arrow keys move between them. */
export function ThemeChooser({ value, disabled, onChange }: ThemeChooserProps): ReactElement {
  return (
    <fieldset className="segmented" disabled={disabled}>
      <legend className="field-label">Theme</legend>
      <div className="segmented-options">
        {OPTIONS.map((option) => (
          <label key={option.value} className="segmented-option" title={option.hint}>
            <input
              type="radio"
              name="theme"
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
