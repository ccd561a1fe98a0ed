import { isNotesComment, notesFromComment, renderNotesComment } from '../kit/notes/mirror-comment';

/**
 * The page body (Notion blocks) as the Markdown Deckhand's description field
 * holds, and back. Notion's API takes no Markdown: text goes in as rich-text
 * objects with annotations. Reading renders what a person typed (bold, code,
 * links, lists, headings, quotes, to-dos, code blocks) in one normal form, and
 * writing parses that same form, so text → blocks → text is exact and a
 * page a person formatted in Notion reads the same every time.
 * Blocks Markdown cannot carry (images, embeds, nested children) are not
 * read; they are lost only when Deckhand rewrites the description, which
 * agents do not do (the description belongs to people).
 */

export interface RichText {
  type?: string;
  plain_text?: string;
  href?: string | null;
  text?: { content: string; link?: { url: string } | null };
  annotations?: {
    bold?: boolean;
    italic?: boolean;
    strikethrough?: boolean;
    underline?: boolean;
    code?: boolean;
    color?: string;
  };
}

export interface Block {
  object?: 'block';
  id?: string;
  type: string;
  has_children?: boolean;
  [type: string]: unknown;
}

/** Notion's limit per text object. */
const TEXT_LIMIT = 2000;

const plainOf = (rt: RichText): string => rt.plain_text ?? rt.text?.content ?? '';

export function plainText(rich: readonly RichText[] | undefined): string {
  return (rich ?? []).map(plainOf).join('');
}

export function richTextToMarkdown(rich: readonly RichText[] | undefined): string {
  return (rich ?? [])
    .map((rt) => {
      let text = plainOf(rt);
      if (text === '') return '';
      const a = rt.annotations ?? {};
      if (a.code) text = `\`${text}\``;
      if (a.bold) text = `**${text}**`;
      if (a.italic) text = `_${text}_`;
      if (a.strikethrough) text = `~~${text}~~`;
      const href = rt.href ?? rt.text?.link?.url;
      if (href) text = `[${text}](${href})`;
      return text;
    })
    .join('');
}

function textObjects(content: string, extra: Partial<RichText> = {}): RichText[] {
  const out: RichText[] = [];
  for (let at = 0; at < content.length; at += TEXT_LIMIT) {
    const piece = content.slice(at, at + TEXT_LIMIT);
    out.push({
      type: 'text',
      text: { content: piece, ...(extra.text?.link ? { link: extra.text.link } : {}) },
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    });
  }
  return out;
}

/** Plain text as rich text, split at Notion's 2,000-character limit. */
export function plainRichText(content: string): RichText[] {
  return content === '' ? [] : textObjects(content);
}

/** The inline Markdown the reader writes: `code`, **bold**, [text](url); anything else stays as typed. */
export function markdownToRichText(markdown: string): RichText[] {
  const out: RichText[] = [];
  const pattern = /`([^`\n]+)`|\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g;
  let last = 0;
  for (let m = pattern.exec(markdown); m; m = pattern.exec(markdown)) {
    if (m.index > last) out.push(...textObjects(markdown.slice(last, m.index)));
    if (m[1] !== undefined) out.push(...textObjects(m[1], { annotations: { code: true } }));
    else if (m[2] !== undefined) out.push(...textObjects(m[2], { annotations: { bold: true } }));
    else out.push(...textObjects(m[3]!, { text: { content: '', link: { url: m[4]! } } }));
    last = m.index + m[0].length;
  }
  if (last < markdown.length) out.push(...textObjects(markdown.slice(last)));
  return out;
}

const LIST_TYPES = new Set(['bulleted_list_item', 'numbered_list_item', 'to_do']);

function richOf(block: Block): RichText[] {
  return ((block[block.type] as { rich_text?: RichText[] } | undefined)?.rich_text ?? []) as RichText[];
}

/** One block as a Markdown line (or lines); undefined for blocks Markdown cannot carry. */
function blockMarkdown(block: Block, number: number): string | undefined {
  const text = richTextToMarkdown(richOf(block));
  switch (block.type) {
    case 'paragraph':
      return text;
    case 'heading_1':
      return `# ${text}`;
    case 'heading_2':
      return `## ${text}`;
    case 'heading_3':
      return `### ${text}`;
    case 'bulleted_list_item':
      return `- ${text}`;
    case 'numbered_list_item':
      return `${number}. ${text}`;
    case 'to_do':
      return `- [${(block.to_do as { checked?: boolean }).checked ? 'x' : ' '}] ${text}`;
    case 'quote':
    case 'callout':
      return text
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'code': {
      const language = (block.code as { language?: string }).language;
      return `\`\`\`${language && language !== 'plain text' ? language : ''}\n${plainText(richOf(block))}\n\`\`\``;
    }
    case 'divider':
      return '---';
    default:
      return undefined;
  }
}

/** Whether a block is Deckhand's agent-notes callout. */
export function isNotesBlock(block: Block): boolean {
  return block.type === 'callout' && isNotesComment(plainText(richOf(block)));
}

/** The page body split into the person's description (Markdown) and the notes callout, if any. */
export function readBody(blocks: readonly Block[]): {
  description: string;
  notesBlock: Block | undefined;
  agentNotes: string;
} {
  const notesBlock = blocks.find(isNotesBlock);
  const parts: string[] = [];
  let previousList = false;
  let number = 0;
  for (const block of blocks) {
    if (block === notesBlock) continue;
    number = block.type === 'numbered_list_item' ? number + 1 : 0;
    const markdown = blockMarkdown(block, number);
    if (markdown === undefined) continue;
    const isList = LIST_TYPES.has(block.type);
    if (parts.length > 0) parts.push(isList && previousList ? '\n' : '\n\n');
    parts.push(markdown);
    previousList = isList;
  }
  return {
    description: parts.join('').trim(),
    notesBlock,
    agentNotes: notesBlock ? notesFromComment(plainText(richOf(notesBlock))) : '',
  };
}

const block = (type: string, body: Record<string, unknown>): Block => ({ object: 'block', type, [type]: body });

/** Markdown as blocks, in the normal form `readBody` writes. */
export function markdownToBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(block('paragraph', { rich_text: markdownToRichText(paragraph.join('\n')) }));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      out.push(block('code', { rich_text: plainRichText(body.join('\n')), language: fence[1] || 'plain text' }));
      continue;
    }
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const todo = /^- \[( |x)\] (.*)$/.exec(line);
    const bullet = /^- (.*)$/.exec(line);
    const numbered = /^\d+\. (.*)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      out.push(block(`heading_${heading[1]!.length}`, { rich_text: markdownToRichText(heading[2]!) }));
    } else if (todo) {
      flush();
      out.push(block('to_do', { rich_text: markdownToRichText(todo[2]!), checked: todo[1] === 'x' }));
    } else if (bullet) {
      flush();
      out.push(block('bulleted_list_item', { rich_text: markdownToRichText(bullet[1]!) }));
    } else if (numbered) {
      flush();
      out.push(block('numbered_list_item', { rich_text: markdownToRichText(numbered[1]!) }));
    } else if (line === '---') {
      flush();
      out.push(block('divider', {}));
    } else if (line.startsWith('> ') || line === '>') {
      flush();
      const quoted = [line.slice(2)];
      while (i + 1 < lines.length && (lines[i + 1]!.startsWith('> ') || lines[i + 1] === '>'))
        quoted.push(lines[++i]!.slice(2));
      out.push(block('quote', { rich_text: markdownToRichText(quoted.join('\n')) }));
    } else paragraph.push(line);
  }
  flush();
  return out;
}

/** Deckhand's agent-notes callout: the notes as plain text under the kit's header, which marks it as Deckhand's. */
export function notesBlock(notes: string): Block {
  return block('callout', {
    rich_text: plainRichText(renderNotesComment(notes)),
    icon: { type: 'emoji', emoji: '🤖' },
    color: 'gray_background',
  });
}
