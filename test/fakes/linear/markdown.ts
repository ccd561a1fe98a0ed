/**
 * How Linear prints Markdown back after parsing it into its editor's
 * document (ProseMirror; Linear's schema calls `Comment.body` "the Markdown
 * representation of" the rich-text `bodyData`): `*` bullets, `*emphasis*`,
 * `**strong**`, ATX headings, ordered lists renumbered from 1, trailing
 * spaces dropped, one blank line at most, and characters that would be
 * Markdown if left bare escaped with a backslash: `snake\_case`, `2 \* 3`,
 * `\[WIP\]`. A description or comment read back is this rewrite of what was
 * sent, never byte for byte what was sent.
 *
 * Based on prosemirror-markdown's default serializer (ProseMirror/
 * prosemirror-markdown src/to_markdown.ts: `bullet_list` prints `*`, `em`
 * prints `*`, `esc()` backslash-escapes `*`, `_`, `[`, `]` in text), on which
 * Linear's editor is built, and on the escaped bodies Linear's API hands back
 * (linear/linear#1238 shows `\*\*`, `\#`, `` \` `` in a stored body). Linear's own
 * printer is not public: which cases it escapes exactly is [inferred]. Fenced
 * code and inline code are kept as sent.
 */
export function linearMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let fence: string | null = null;
  let number = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence !== null) {
      out.push(line);
      if (line.trim().startsWith(fence)) fence = null;
      continue;
    }
    const opening = /^\s*(`{3,}|~{3,})/.exec(line);
    if (opening) {
      fence = opening[1]!;
      out.push(line.trimEnd());
      continue;
    }
    let text = line.trimEnd();
    const next = lines[i + 1];
    if (
      text.trim() !== '' &&
      next !== undefined &&
      /^\s*(=+|-+)\s*$/.test(next) &&
      !/^\s*([-*+]|\d+[.)])\s/.test(text)
    ) {
      out.push(`${next.trim().startsWith('=') ? '#' : '##'} ${text.trim()}`);
      i++;
      continue;
    }
    text = text.replace(/^(\s*)[-+](\s+)/, '$1*$2');
    const ordered = /^\d+[.)](\s+)(.*)$/.exec(text);
    if (ordered) {
      number++;
      text = `${number}.${ordered[1]}${ordered[2]}`;
    } else if (text.trim() !== '' && !/^\s/.test(text)) {
      number = 0;
    }
    out.push(
      text
        .split(/(`[^`]*`)/)
        .map((part, index) =>
          index % 2 === 1
            ? part
            : part
                .replace(/(^|[^\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])/g, '$1**$2**')
                .replace(/(^|[^\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])/g, '$1*$2*'),
        )
        .map((part, index) => (index % 2 === 1 ? part : escapeText(part)))
        .join(''),
    );
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Links, and a task list's box at the start of an item: Markdown the escapes must not touch. */
const KEPT = /(\[[^\]\n]*\]\([^)\n]*\)|^\s*\* \[[ xX]\](?= ))/g;

/** The bare characters Linear's printer escapes: `[` and `]` outside links, `_` inside a word, a lone `*`. */
function escapeText(text: string): string {
  return text
    .split(KEPT)
    .map((part, index) =>
      index % 2 === 1 || part === undefined
        ? (part ?? '')
        : part
            .replace(/(?<!\\)([[\]])/g, '\\$1')
            .replace(/(?<=[A-Za-z0-9])(?<!\\)_(?=[A-Za-z0-9])/g, '\\_')
            .replace(/(?<=\S[ \t]+)\*(?=[ \t])/g, '\\*'),
    )
    .join('');
}
