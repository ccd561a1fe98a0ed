/**
 * A small stand-in for taiga/mdrender (Python-Markdown with nl2br, then bleach
 * through html5lib): paragraphs, single newlines as `<br>`, `**bold**`,
 * `*em*`/`_em_`, `~~del~~`, `` `code` ``, `- ` lists, `#` headings and bare
 * http(s) links (opened in a new tab, as Taiga's target_link extension does).
 * Everything else is escaped text. Good enough to compare `comment_html` and
 * `description_html` in tests; not byte-identical to Taiga for rich markdown.
 */

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function inline(text: string): string {
  const codes: string[] = [];
  let out = escapeHtml(text).replace(/`([^`]+)`/g, (_m, code: string) => {
    codes.push(code);
    return `\uE000${codes.length - 1}\uE001`;
  });
  out = out
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>')
    .replace(/~~([^~]+)~~/g, '<del>$1</del>')
    .replace(/(^|[\s(])(https?:\/\/[^\s<)]+)/g, '$1<a href="$2" target="_blank">$2</a>');
  return out.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => `<code>${codes[Number(i)]}</code>`);
}

export function renderMarkdown(text: string): string {
  if (!text || text.trim() === '') return '';
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  const html: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((l, i, all) => !(l.trim() === '' && (i === 0 || i === all.length - 1)));
    if (lines.length === 0) continue;
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]!);
    if (heading && lines.length === 1) {
      const level = heading[1]!.length;
      const id = heading[2]!
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .trim()
        .replace(/\s+/g, '-');
      html.push(`<h${level} id="${id}">${inline(heading[2]!)}</h${level}>`);
      continue;
    }
    if (lines.every((l) => /^\s*[-*+]\s+/.test(l))) {
      const items = lines.map((l) => `<li>${inline(l.replace(/^\s*[-*+]\s+/, ''))}</li>`);
      html.push(`<ul>\n${items.join('\n')}\n</ul>`);
      continue;
    }
    html.push(`<p>${lines.map(inline).join('<br>\n')}</p>`);
  }
  return html.join('\n');
}

/** taiga/mdrender get_diff_of_htmls, simplified to one changed middle between a common prefix and suffix. */
export function htmlDiff(before: string, after: string): string {
  const sanitize = (t: string): string => escapeHtml(t).replace(/\n/g, '<br />');
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  const parts: string[] = [];
  if (start > 0) parts.push(`<span>${sanitize(before.slice(0, start))}</span>`);
  const removed = before.slice(start, before.length - end);
  const added = after.slice(start, after.length - end);
  if (removed) parts.push(`<del style="background:#ffe6e6;">${sanitize(removed)}</del>`);
  if (added) parts.push(`<ins style="background:#e6ffe6;">${sanitize(added)}</ins>`);
  if (end > 0) parts.push(`<span>${sanitize(before.slice(before.length - end))}</span>`);
  return parts.join('');
}
