import type { CommentValues, IssueValues, LabelValues, PlaneStore, Priority } from './store';
import { PRIORITIES } from './store';

/**
 * Request validation as Plane's DRF serializers do it (api/serializers/issue.py
 * IssueSerializer, LabelCreateUpdateSerializer, IssueCommentCreateSerializer):
 * field errors first, keyed by field in serializer field order, each a list of
 * DRF's messages; `validate()` runs only when every field passed and its
 * errors land in `non_field_errors`. Unknown and read-only keys are ignored.
 */

export type FieldErrors = Record<string, unknown>;
export type Validated<T> = { ok: true; values: T } | { ok: false; errors: FieldErrors };

const MSG = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  string: 'Not a valid string.',
  choice: (input: string) => `"${input}" is not a valid choice.`,
  date: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.',
  pkMissing: (pk: string) => `Invalid pk "${pk}" - object does not exist.`,
  pkType: (type: string) => `Incorrect type. Expected pk value, received ${type}.`,
  uuid: (value: string) => `\u201c${value}\u201d is not a valid UUID.`,
  list: (type: string) => `Expected a list of items but got type "${type}".`,
  boolean: 'Must be a valid boolean.',
  number: 'A valid number is required.',
};

/** Python's type(x).__name__ for decoded JSON. */
function pyType(v: unknown): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python's str(x), near enough for error messages. */
function pyStr(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v).replace(/"/g, "'");
}

class FieldError extends Error {
  constructor(readonly detail: unknown) {
    super('field error');
  }
}

const fail = (message: unknown): never => {
  throw new FieldError(Array.isArray(message) || typeof message === 'object' ? message : [message]);
};

/** DRF CharField: numbers become strings, whitespace is trimmed, then blank and length checks. */
function charField(v: unknown, opts: { allowNull: boolean; allowBlank: boolean; maxLength?: number }): string | null {
  if (v === null) return opts.allowNull ? null : fail(MSG.null);
  if (typeof v === 'boolean' || typeof v === 'object') return fail(MSG.string);
  const s = String(v).trim();
  if (s === '') return opts.allowBlank ? '' : fail(MSG.blank);
  if (opts.maxLength !== undefined && [...s].length > opts.maxLength) return fail(MSG.maxLength(opts.maxLength));
  return s;
}

function choiceField<T extends string>(v: unknown, choices: readonly T[]): T {
  if (v === null) return fail(MSG.null);
  const s = pyStr(v);
  return (choices as readonly string[]).includes(s) ? (s as T) : fail(MSG.choice(s));
}

function boolField(v: unknown): boolean {
  if (v === null) return fail(MSG.null);
  const t = ['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true];
  const f = ['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false];
  if (t.includes(v as never)) return true;
  if (f.includes(v as never)) return false;
  return fail(MSG.boolean);
}

function floatField(v: unknown): number {
  if (v === null) return fail(MSG.null);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fail(MSG.number);
}

/** DRF DateField with Django's parse_date (date.fromisoformat, then `\d{4}-\d{1,2}-\d{1,2}`). */
function dateField(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string') return fail(MSG.date);
  const m = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(v);
  if (!m) return fail(MSG.date);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1) {
    return fail(MSG.date);
  }
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const UUID_RE = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** Django's UUIDField.to_python: hex strings in the usual spellings, or an int. */
export function parseUuid(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    return BigInt(v)
      .toString(16)
      .padStart(32, '0')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  }
  if (typeof v !== 'string') return undefined;
  const m = UUID_RE.exec(v.trim());
  return m ? m.slice(1).join('-').toLowerCase() : undefined;
}

/** DRF PrimaryKeyRelatedField over a UUID primary key. */
function pkField(v: unknown, exists: (id: string) => boolean, allowNull: boolean): string | null {
  if (v === null) return allowNull ? null : fail(MSG.null);
  if (typeof v === 'boolean') return fail(MSG.pkType('bool'));
  const id = parseUuid(v);
  if (id === undefined) return fail(MSG.uuid(pyStr(v)));
  return exists(id) ? id : fail(MSG.pkMissing(pyStr(v)));
}

/** DRF ListField: child errors come back as `{"<index>": [...]}`. */
function listField(v: unknown, child: (item: unknown) => string): string[] {
  if (v === null) return fail(MSG.null);
  if (!Array.isArray(v)) return fail(MSG.list(pyType(v)));
  const errors: Record<string, unknown> = {};
  const out: string[] = [];
  v.forEach((item, index) => {
    try {
      out.push(child(item));
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      errors[String(index)] = err.detail;
    }
  });
  return Object.keys(errors).length > 0 ? fail(errors) : out;
}

function run<T>(
  data: Record<string, unknown>,
  fields: [string, (v: unknown) => unknown][],
  required: string[],
): { values: Partial<T>; errors: FieldErrors } {
  const values: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const [name, parse] of fields) {
    if (!(name in data)) {
      if (required.includes(name)) errors[name] = [MSG.required];
      continue;
    }
    try {
      values[name] = parse(data[name]);
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      errors[name] = err.detail;
    }
  }
  return { values: values as Partial<T>, errors };
}

const BLOCK_TAGS =
  /<(?:address|article|aside|blockquote|dd|div|dl|dt|fieldset|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|ul)\b/i;

/**
 * IssueSerializer.validate on description_html, approximately: lxml's
 * `html.fromstring` + `tostring` (bare text gets a `<p>`, several top-level
 * nodes a `<div>` or `<span>` wrapper, `<br/>` becomes `<br>`), then nh3 (script
 * and style removed with their content, comments and `on*` attributes
 * dropped, `rel="noopener noreferrer"` on links). An empty string fails
 * ("Document is empty" in lxml), which Plane reports as invalid HTML.
 */
export function normalizeDescriptionHtml(html: string): string | null {
  if (html.trim() === '') return null;
  let s = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/<br\s*\/?>/gi, '<br>')
    .replace(/<a\b(?![^>]*\brel=)([^>]*)>/gi, '<a$1 rel="noopener noreferrer">');
  const trimmed = s.trim();
  if (!trimmed.startsWith('<')) return `<p>${trimmed}</p>`;
  if (!isSingleElement(trimmed)) s = BLOCK_TAGS.test(trimmed) ? `<div>${trimmed}</div>` : `<span>${trimmed}</span>`;
  else s = trimmed;
  return s;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);

/** Whether the markup is one element with nothing but whitespace around it. */
function isSingleElement(html: string): boolean {
  const tag = /<\/?([a-zA-Z][\w-]*)[^>]*?(\/?)>/g;
  let depth = 0;
  let closedAt = -1;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(html))) {
    if (closedAt !== -1) return false;
    const name = m[1]!.toLowerCase();
    const closing = m[0].startsWith('</');
    if (closing) depth--;
    else if (!VOID.has(name) && m[2] !== '/') depth++;
    if (depth <= 0) closedAt = tag.lastIndex;
  }
  return closedAt !== -1 && html.slice(closedAt).trim() === '';
}

export interface IssueContext {
  store: PlaneStore;
  projectId: string;
  partial: boolean;
}

/** IssueSerializer (create or partial update). */
export function validateIssue(data: Record<string, unknown>, ctx: IssueContext): Validated<IssueValues> {
  const { store, projectId } = ctx;
  const userExists = (id: string) => store.users.has(id);
  const labelExists = (id: string) => store.liveLabel(id) !== undefined;
  const { values, errors } = run<IssueValues>(
    data,
    [
      ['assignees', (v) => listField(v, (x) => pkField(x, userExists, false) as string)],
      ['labels', (v) => listField(v, (x) => pkField(x, labelExists, false) as string)],
      ['name', (v) => charField(v, { allowNull: false, allowBlank: false, maxLength: 255 })],
      ['description_html', (v) => charField(v, { allowNull: false, allowBlank: true })],
      ['priority', (v) => choiceField<Priority>(v, PRIORITIES)],
      ['start_date', dateField],
      ['target_date', dateField],
      ['is_draft', boolField],
      ['external_source', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
      ['external_id', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
      ['parent', (v) => pkField(v, (id) => store.liveIssue(id) !== undefined, true)],
      ['state', (v) => pkField(v, (id) => store.liveState(id) !== undefined, true)],
    ],
    ctx.partial ? [] : ['name'],
  );
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const nonField = (message: string): Validated<IssueValues> => ({
    ok: false,
    errors: { non_field_errors: [message] },
  });
  if (values.start_date && values.target_date && values.start_date > values.target_date) {
    return nonField('Start date cannot exceed target date');
  }
  if (values.description_html !== undefined) {
    const html = normalizeDescriptionHtml(values.description_html);
    if (html === null) return nonField('Invalid HTML passed');
    values.description_html = html;
  }
  const project = store.project(projectId);
  // Assignees must be members (role >= 15) and labels the project's own; others are dropped silently.
  if (values.assignees && values.assignees.length > 0) {
    values.assignees = values.assignees.filter((id) => (project.members.get(id) ?? 0) >= 15);
  }
  if (values.labels && values.labels.length > 0) {
    values.labels = values.labels.filter((id) => store.liveLabel(id)?.project === projectId);
  }
  if (values.state && store.liveState(values.state)?.project !== projectId) {
    return nonField('State is not valid please pass a valid state_id');
  }
  if (values.parent && store.liveIssue(values.parent)?.project !== projectId) {
    return nonField('Parent is not valid issue_id please pass a valid issue_id');
  }
  return { ok: true, values: values as IssueValues };
}

/** IssueCommentCreateSerializer: every field optional. */
export function validateComment(data: Record<string, unknown>): Validated<CommentValues> {
  const { values, errors } = run<CommentValues>(
    data,
    [
      ['comment_html', (v) => charField(v, { allowNull: false, allowBlank: true })],
      ['access', (v) => choiceField(v, ['INTERNAL', 'EXTERNAL'] as const)],
      ['external_source', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
      ['external_id', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
    ],
    [],
  );
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: values as CommentValues };
}

/** LabelCreateUpdateSerializer (create). */
export function validateLabel(data: Record<string, unknown>, store: PlaneStore): Validated<LabelValues> {
  const { values, errors } = run<LabelValues>(
    data,
    [
      ['name', (v) => charField(v, { allowNull: false, allowBlank: false, maxLength: 255 })],
      ['color', (v) => charField(v, { allowNull: false, allowBlank: true, maxLength: 255 })],
      ['description', (v) => charField(v, { allowNull: false, allowBlank: true })],
      ['external_source', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
      ['external_id', (v) => charField(v, { allowNull: true, allowBlank: true, maxLength: 255 })],
      ['parent', (v) => pkField(v, (id) => store.liveLabel(id) !== undefined, true)],
      ['sort_order', floatField],
    ],
    ['name'],
  );
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: values as LabelValues };
}
