import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { markdownToRichText, plainRichText, plainText, richTextToMarkdown, type RichText } from './blocks';
import { dashed } from './ids';
import type { PropertyMap } from './properties';

/** A page as the API returns it (the parts Deckhand reads). */
export interface NotionPage {
  object: 'page';
  id: string;
  last_edited_time: string;
  created_time: string;
  in_trash?: boolean;
  archived?: boolean;
  parent: { type: string; data_source_id?: string; database_id?: string };
  properties: Record<string, PropertyValue>;
}

export interface PropertyValue {
  id?: string;
  type: string;
  title?: RichText[];
  rich_text?: RichText[];
  status?: { name: string } | null;
  select?: { name: string } | null;
  multi_select?: { name: string }[];
  people?: { object: 'user'; id: string; name?: string }[];
  date?: { start: string; end?: string | null } | null;
  relation?: { id: string }[];
}

export interface NotionUser {
  object: 'user';
  id: string;
  type?: 'person' | 'bot';
  name?: string | null;
  person?: { email?: string };
}

export interface NotionComment {
  object: 'comment';
  id: string;
  parent: { type: string; page_id?: string; block_id?: string };
  created_time: string;
  created_by: { object: 'user'; id: string };
  rich_text: RichText[];
}

/** Canonical priorities 1..4 as Notion select options (0 is an empty select). */
export const PRIORITY_NAMES = ['', 'Low', 'Medium', 'High', 'Urgent'] as const;

export function priorityFromName(name: string | undefined): number {
  if (!name) return 0;
  const index = PRIORITY_NAMES.findIndex((p) => p !== '' && p.toLowerCase() === name.trim().toLowerCase());
  return index < 0 ? 0 : index;
}

export function isTrashed(page: NotionPage): boolean {
  return page.in_trash === true || page.archived === true;
}

/** The date part of a date property (Deckhand's due dates are days). */
const dayOf = (start: string | undefined): string | null => (start ? start.slice(0, 10) : null);

export interface ReadContext {
  props: PropertyMap;
  userName(id: string): string | undefined;
  /** The description and block-kept notes, from the page body. */
  body: { description: string; agentNotes: string };
}

/** A page's canonical fields; the version is a hash of them (last_edited_time is per minute, too coarse). */
export function taskFromPage(page: NotionPage, ctx: ReadContext): Task {
  const value = (prop: { name: string } | undefined): PropertyValue | undefined =>
    prop ? page.properties[prop.name] : undefined;
  const { props } = ctx;
  const status = value(props.status);
  const people = value(props.assignee)?.people ?? [];
  const assignee = people.map((p) => ctx.userName(p.id) ?? p.name ?? undefined).find((n) => n) ?? null;
  const parent = value(props.parent)?.relation?.[0]?.id;
  const fields: TaskFields = {
    title: plainText(value(props.title)?.title),
    description: ctx.body.description,
    status: (status?.status ?? status?.select)?.name ?? '',
    assignee,
    priority: priorityFromName(value(props.priority)?.select?.name),
    labels: normaliseLabels((value(props.labels)?.multi_select ?? []).map((o) => o.name)),
    agentNotes: props.agentNotes ? plainText(value(props.agentNotes)?.rich_text) : ctx.body.agentNotes,
    parentId: parent ? dashed(parent) : null,
    dueDate: dayOf(value(props.due)?.date?.start),
  };
  const marker = props.marker ? plainText(value(props.marker)?.rich_text) : '';
  return {
    id: page.id,
    ...fields,
    version: fieldsVersion(fields),
    updatedAt: page.last_edited_time,
    marker: marker === '' ? null : marker,
  };
}

/** A rich-text property's value for plain text (agent notes, the marker). */
export const textValue = (text: string) => ({ rich_text: plainRichText(text) });

export { markdownToRichText, richTextToMarkdown };

/**
 * Deckhand's marker rides at the end of its comments as a last grey line:
 * Notion comments carry no external id or metadata. It is found by that
 * line, never by the author (the integration's own bot user posts Deckhand's
 * comments, but a person's comments from the same workspace are theirs).
 */
const MARKER_LINE = /\n*— deckhand:([^\s]+)\s*$/;

export function commentRichText(body: string, marker: string): RichText[] {
  return [
    ...markdownToRichText(body),
    { type: 'text', text: { content: `\n— deckhand:${marker}` }, annotations: { color: 'gray', italic: true } },
  ];
}

export function commentFromNotion(
  row: NotionComment,
  taskId: string,
  userName: (id: string) => string | undefined,
): Comment {
  const plain = plainText(row.rich_text);
  const match = MARKER_LINE.exec(plain);
  // Render Markdown without the marker segment (the last text object Deckhand wrote).
  const rich = match ? dropMarker(row.rich_text) : row.rich_text;
  return {
    id: row.id,
    taskId,
    author: userName(row.created_by.id) ?? row.created_by.id,
    body: richTextToMarkdown(rich).trim(),
    createdAt: row.created_time,
    marker: match ? match[1]! : null,
  };
}

function dropMarker(rich: RichText[]): RichText[] {
  const out = [...rich];
  const last = out[out.length - 1];
  if (last && MARKER_LINE.test(plainText([last]))) {
    const kept = plainText([last]).replace(MARKER_LINE, '');
    out.pop();
    if (kept !== '') out.push({ ...last, plain_text: kept, text: { content: kept } });
  }
  return out;
}
