import { create } from 'zustand';
import {
  allowedPolicies,
  defaultPolicyFor,
  type Owner,
  type OwnershipRules,
  type OwnershipSchema,
  type Policy,
} from '../../../shared/ownership';
import { ApiError } from '../../../shared/contract';
import { TASK_FIELDS, type TaskField } from '../../../shared/task';
import { describeError } from '../api/envelope';
import { api } from './api';
import type { ListStatus } from './log-store';

export interface OwnershipStore {
  boardId: string | null;
  /** The schema as the core has it. */
  saved: OwnershipSchema | null;
  /** The rules being edited; equal to saved.rules when nothing changed. */
  draft: OwnershipRules | null;
  status: ListStatus;
  error: string | null;
  saving: boolean;
  /** A refusal that is not about one field. */
  saveError: string | null;
  /** The core's validation messages, per field. */
  problems: Partial<Record<TaskField, string>>;
  /** "Saved as version 3", shown until the next edit. */
  savedNotice: string | null;
  load(boardId: string): Promise<void>;
  resync(): Promise<void>;
  setOwner(field: TaskField, owner: Owner): void;
  setPolicy(field: TaskField, policy: Policy): void;
  revert(): void;
  save(): Promise<void>;
}

/** Fields whose draft rule differs from the saved one. */
export function changedFields(saved: OwnershipRules | undefined, draft: OwnershipRules | null): TaskField[] {
  if (!saved || !draft) return [];
  return TASK_FIELDS.filter((f) => saved[f].owner !== draft[f].owner || saved[f].policy !== draft[f].policy);
}

function copyRules(rules: OwnershipRules): OwnershipRules {
  return Object.fromEntries(TASK_FIELDS.map((f) => [f, { ...rules[f] }])) as OwnershipRules;
}

/** `rules.labels.policy` → `labels`. */
function fieldOfPath(path: string): TaskField | undefined {
  const part = path.replace(/^rules\./, '').split('.')[0];
  return (TASK_FIELDS as readonly string[]).includes(part ?? '') ? (part as TaskField) : undefined;
}

let generation = 0;

export const useOwnershipStore = create<OwnershipStore>()((set, get) => ({
  boardId: null,
  saved: null,
  draft: null,
  status: 'idle',
  error: null,
  saving: false,
  saveError: null,
  problems: {},
  savedNotice: null,

  async load(boardId) {
    const mine = ++generation;
    const sameBoard = get().boardId === boardId && get().saved !== null;
    if (!sameBoard)
      set({
        boardId,
        saved: null,
        draft: null,
        status: 'loading',
        error: null,
        problems: {},
        saveError: null,
        savedNotice: null,
      });
    try {
      const schema = await api().call('getOwnership', { boardId });
      if (mine !== generation) return;
      // A reload keeps a person's unsaved edits; only a new board (or no edits) takes the fresh rules.
      const keepDraft = sameBoard && changedFields(get().saved?.rules, get().draft).length > 0;
      set({ saved: schema, draft: keepDraft ? get().draft : copyRules(schema.rules), status: 'ready', error: null });
    } catch (err) {
      if (mine !== generation) return;
      set({ status: sameBoard ? 'ready' : 'error', error: describeError(err) });
    }
  },

  async resync() {
    const { boardId, status } = get();
    if (boardId && status !== 'idle') await get().load(boardId);
  },

  setOwner(field, owner) {
    const draft = get().draft;
    if (!draft) return;
    const current = draft[field];
    // Keep the policy when the new owner allows it; otherwise take the owner's default for the field.
    const policy = allowedPolicies(field, owner).includes(current.policy)
      ? current.policy
      : defaultPolicyFor(field, owner);
    set({
      draft: { ...draft, [field]: { owner, policy } },
      problems: { ...get().problems, [field]: undefined },
      savedNotice: null,
    });
  },

  setPolicy(field, policy) {
    const draft = get().draft;
    if (!draft) return;
    set({
      draft: { ...draft, [field]: { ...draft[field], policy } },
      problems: { ...get().problems, [field]: undefined },
      savedNotice: null,
    });
  },

  revert() {
    const saved = get().saved;
    if (saved) set({ draft: copyRules(saved.rules), problems: {}, saveError: null });
  },

  async save() {
    const { boardId, saved, draft } = get();
    if (!boardId || !saved || !draft) return;
    const fields = changedFields(saved.rules, draft);
    if (fields.length === 0) return;
    const rules = Object.fromEntries(fields.map((f) => [f, draft[f]]));
    set({ saving: true, saveError: null, problems: {}, savedNotice: null });
    try {
      const schema = await api().call('setOwnership', { boardId, rules });
      set({
        saved: schema,
        draft: copyRules(schema.rules),
        savedNotice: `Saved as version ${schema.version}; it applies from now on.`,
      });
    } catch (err) {
      const problems: Partial<Record<TaskField, string>> = {};
      const unplaced: string[] = [];
      if (err instanceof ApiError && err.problems?.length) {
        for (const p of err.problems) {
          const field = fieldOfPath(p.path);
          if (field) problems[field] = p.message;
          else unplaced.push(`${p.path}: ${p.message}`);
        }
      } else {
        // Rules the core refuses after parsing come back as one message: "invalid ownership rules: labels.policy: …; …".
        const message = describeError(err);
        const listed = /^invalid ownership rules: (.*)$/.exec(message)?.[1];
        for (const item of listed ? listed.split('; ') : [message]) {
          const match = /^([\w.]+): (.*)$/.exec(item);
          const field = match ? fieldOfPath(match[1]!) : undefined;
          if (field && match) problems[field] = match[2]!;
          else unplaced.push(item);
        }
      }
      set({
        problems,
        saveError: unplaced.length ? `Not saved: ${unplaced.join('; ')}` : 'Not saved: fix the fields marked below.',
      });
    } finally {
      set({ saving: false });
    }
  },
}));
