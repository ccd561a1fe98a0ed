/**
 * How Linear prints Markdown back after parsing it into its editor's
 * document (ProseMirror): `*` bullets, `*emphasis*`, `**strong**`, ATX
 * headings, ordered lists renumbered from 1, trailing spaces dropped, one
 * blank line at most. A description or comment read back is this rewrite of
 * what was sent, never byte for byte what was sent. The set is the common
 * cases seen in Linear's API answers [inferred from its editor, not its
 * source]; fenced code is kept as sent.
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
        .join(''),
    );
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
