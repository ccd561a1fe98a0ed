/**
 * The agent editor's form as pure functions (no DOM), so they are unit-tested:
 * a config-file agent (snake_case, as `agents:` takes it) to the form's text
 * fields and back, and the core's problem paths to the field they name.
 * The core checks the result with the config file's own schema; nothing here
 * decides what is valid beyond turning text into lists and numbers.
 */

export const EDITOR_WORKFLOWS = ['pickup', 'breakdown', 'digest'] as const;
export type EditorWorkflow = (typeof EDITOR_WORKFLOWS)[number];

/** What the editor offers. A command agent runs a program, so it is config-file only (the core refuses it). */
export const EDITOR_PROVIDERS = ['demo', 'openai', 'anthropic', 'mcp'] as const;
export type EditorProvider = (typeof EDITOR_PROVIDERS)[number];

export interface AgentDraft {
  id: string;
  board: string;
  workflow: EditorWorkflow;
  /** Comma-separated lists, as a person types them. */
  labels: string;
  columns: string;
  excludeLabels: string;
  provider: EditorProvider;
  baseUrl: string;
  model: string;
  onDone: string;
  prompt: string;
  concurrency: string;
  runsPerDay: string;
  costPerDay: string;
  schedule: string;
  assignTo: string;
}

export type DraftField = keyof AgentDraft | 'apiKey' | 'form';
export type DraftErrors = Partial<Record<DraftField, string>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const listText = (v: unknown): string => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '');

export function emptyDraft(board = ''): AgentDraft {
  return {
    id: '',
    board,
    workflow: 'pickup',
    labels: 'needs-ai',
    columns: '',
    excludeLabels: '',
    provider: 'demo',
    baseUrl: '',
    model: '',
    onDone: '',
    prompt: '',
    concurrency: '',
    runsPerDay: '',
    costPerDay: '',
    schedule: '',
    assignTo: '',
  };
}

function providerKind(type: unknown): EditorProvider {
  return (EDITOR_PROVIDERS as readonly unknown[]).includes(type) ? (type as EditorProvider) : 'demo';
}

/** An agent as the core shows it (config-file form) in the form's fields. */
export function draftFromConfig(config: Record<string, unknown>): AgentDraft {
  const routes = isRecord(config.routes) ? config.routes : {};
  const provider = isRecord(config.provider) ? config.provider : {};
  const budget = isRecord(config.budget) ? config.budget : {};
  const workflow = (EDITOR_WORKFLOWS as readonly unknown[]).includes(config.workflow)
    ? (config.workflow as EditorWorkflow)
    : 'pickup';
  return {
    id: text(config.id),
    board: text(config.board),
    workflow,
    labels: listText(routes.labels),
    columns: listText(routes.columns),
    excludeLabels: listText(routes.exclude_labels),
    provider: providerKind(provider.type),
    baseUrl: text(provider.base_url),
    model: text(provider.model),
    onDone: isRecord(config.on_done) ? text(config.on_done.move_to) : '',
    prompt: text(config.prompt),
    concurrency: text(config.concurrency),
    runsPerDay: text(budget.runs_per_day),
    costPerDay: text(budget.cost_per_day),
    schedule: text(config.schedule),
    assignTo: isRecord(config.digest) ? text(config.digest.assign_to) : '',
  };
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A typed number as a number; anything else as typed, so the core's schema names the field. */
function numberOrText(value: string): number | string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

function setOrDelete(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || value === '' || (isRecord(value) && Object.keys(value).length === 0)) delete out[key];
  else out[key] = value;
}

/**
 * The form back in config-file form. Starts from the agent as it was (`base`), so settings the form does not
 * show (role, resume_on, a price, a provider timeout, secret references) are kept as they were.
 */
export function configFromDraft(draft: AgentDraft, base: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  out.id = draft.id.trim();
  out.board = draft.board.trim();
  out.workflow = draft.workflow;

  const baseRoutes = isRecord(base.routes) ? base.routes : {};
  const routes: Record<string, unknown> = { ...baseRoutes };
  setOrDelete(routes, 'labels', splitList(draft.labels).length ? splitList(draft.labels) : undefined);
  setOrDelete(routes, 'columns', splitList(draft.columns).length ? splitList(draft.columns) : undefined);
  setOrDelete(
    routes,
    'exclude_labels',
    splitList(draft.excludeLabels).length ? splitList(draft.excludeLabels) : undefined,
  );
  setOrDelete(out, 'routes', draft.workflow === 'digest' && Object.keys(routes).length === 0 ? undefined : routes);

  const baseProvider = isRecord(base.provider) ? base.provider : {};
  // Same type: keep what the form does not show (the key or token reference, price, timeout).
  const provider: Record<string, unknown> =
    baseProvider.type === draft.provider ? { ...baseProvider } : { type: draft.provider };
  if (draft.provider === 'openai') setOrDelete(provider, 'base_url', draft.baseUrl.trim());
  if (draft.provider === 'openai' || draft.provider === 'anthropic') setOrDelete(provider, 'model', draft.model.trim());
  out.provider = provider;

  setOrDelete(out, 'on_done', draft.onDone.trim() ? { move_to: draft.onDone.trim() } : undefined);
  setOrDelete(out, 'prompt', draft.prompt.trim());
  setOrDelete(out, 'concurrency', numberOrText(draft.concurrency));
  const budget: Record<string, unknown> = isRecord(base.budget) ? { ...base.budget } : {};
  setOrDelete(budget, 'runs_per_day', numberOrText(draft.runsPerDay));
  setOrDelete(budget, 'cost_per_day', numberOrText(draft.costPerDay));
  setOrDelete(out, 'budget', budget);
  const digest = draft.workflow === 'digest';
  setOrDelete(out, 'schedule', digest ? draft.schedule.trim() : undefined);
  setOrDelete(out, 'digest', digest && draft.assignTo.trim() ? { assign_to: draft.assignTo.trim() } : undefined);
  return out;
}

const PATH_FIELDS: [RegExp, DraftField][] = [
  [/^id\b/, 'id'],
  [/^board\b/, 'board'],
  [/^workflow\b/, 'workflow'],
  [/^routes\.columns\b/, 'columns'],
  [/^routes\.exclude_labels\b/, 'excludeLabels'],
  [/^routes\b/, 'labels'],
  [/^provider\.base_url\b/, 'baseUrl'],
  [/^provider\.model\b/, 'model'],
  [/^provider\.api_key\b/, 'apiKey'],
  [/^provider\b/, 'provider'],
  [/^on_done\b/, 'onDone'],
  [/^prompt\b/, 'prompt'],
  [/^concurrency\b/, 'concurrency'],
  [/^budget\.runs_per_day\b/, 'runsPerDay'],
  [/^budget\.cost_per_day\b/, 'costPerDay'],
  [/^schedule\b/, 'schedule'],
  [/^digest\b/, 'assignTo'],
  [/^apiKey\b/, 'apiKey'],
];

/** Which form field a core problem names (`routes`, `provider.base_url`); `form` when none does. */
export function fieldOfPath(path: string): DraftField {
  const p = path.replace(/^agent\.?/, '');
  return PATH_FIELDS.find(([re]) => re.test(p))?.[1] ?? 'form';
}

/** The core's problems by field; a problem no field shows keeps its path so the person can still find it. */
export function errorsFromProblems(problems: readonly { path: string; message: string }[]): DraftErrors {
  const out: DraftErrors = {};
  for (const p of problems) {
    const field = fieldOfPath(p.path);
    const message = field === 'form' ? `${p.path}: ${p.message}` : p.message;
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}
