import { useId, type ReactElement } from 'react';
import {
  allowedPolicies,
  describeRule,
  OWNERS,
  type Owner,
  type OwnershipRules,
  type Policy,
} from '../../../shared/ownership';
import { TASK_FIELDS, type TaskField } from '../../../shared/task';
import { fieldLabel } from '../format';

export const OWNER_LABELS: Record<Owner, string> = { human: 'Human', ai: 'AI', shared: 'Shared' };

export const POLICY_LABELS: Record<Policy, string> = {
  'last-write-wins': 'Last write wins',
  'human-wins': 'Human wins',
  'agent-wins': 'Agent wins',
  merge: 'Merge',
  ask: 'Ask me',
};

export interface OwnershipTableProps {
  rules: OwnershipRules;
  saved: OwnershipRules;
  problems: Partial<Record<TaskField, string>>;
  disabled: boolean;
  onOwner(field: TaskField, owner: Owner): void;
  onPolicy(field: TaskField, policy: Policy): void;
}

function OwnerChoice({
  field,
  value,
  disabled,
  onChange,
}: {
  field: TaskField;
  value: Owner;
  disabled: boolean;
  onChange(owner: Owner): void;
}): ReactElement {
  const name = useId();
  return (
    <fieldset className="segmented segmented-small" disabled={disabled}>
      <legend className="visually-hidden">Owner of {fieldLabel(field).toLowerCase()}</legend>
      <div className="segmented-options">
        {OWNERS.map((owner) => (
          <label key={owner} className="segmented-option">
            <input type="radio" name={name} value={owner} checked={value === owner} onChange={() => onChange(owner)} />
            <span>{OWNER_LABELS[owner]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Fields × owner and policy; only the policies an owner allows are offered, and each row says what it means. */
export function OwnershipTable({
  rules,
  saved,
  problems,
  disabled,
  onOwner,
  onPolicy,
}: OwnershipTableProps): ReactElement {
  const id = useId();
  return (
    // Narrow windows scroll the table inside its card rather than past the card's edge and the sticky Save bar.
    <div className="ownership-table-wrap">
      <table className="table ownership-table" data-testid="ownership-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Owner</th>
            <th scope="col">When both change it</th>
            <th scope="col">What it means</th>
          </tr>
        </thead>
        <tbody>
          {TASK_FIELDS.map((field) => {
            const rule = rules[field];
            const edited = rule.owner !== saved[field].owner || rule.policy !== saved[field].policy;
            const problem = problems[field];
            const meaningId = `${id}-${field}-meaning`;
            return (
              <tr key={field} className={edited ? 'is-edited' : undefined} data-field={field}>
                <th scope="row">
                  {fieldLabel(field)}
                  {edited ? <span className="edited-mark">edited</span> : null}
                </th>
                <td>
                  <OwnerChoice
                    field={field}
                    value={rule.owner}
                    disabled={disabled}
                    onChange={(o) => onOwner(field, o)}
                  />
                </td>
                <td>
                  <select
                    className="select"
                    aria-label={`Conflict policy for ${fieldLabel(field).toLowerCase()}`}
                    aria-describedby={meaningId}
                    aria-invalid={problem ? true : undefined}
                    value={rule.policy}
                    disabled={disabled}
                    onChange={(e) => onPolicy(field, e.target.value as Policy)}
                  >
                    {allowedPolicies(field, rule.owner).map((p) => (
                      <option key={p} value={p}>
                        {POLICY_LABELS[p]}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="ownership-meaning" id={meaningId}>
                  {describeRule(rule)}
                  {problem ? (
                    <span className="field-problem" role="alert">
                      {problem}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
