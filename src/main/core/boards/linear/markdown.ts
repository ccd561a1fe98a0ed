/**
 * Linear stores descriptions and comments as Markdown but parses what it is
 * sent into its editor's document and prints it back in its own style: `*`
 * for bullets and emphasis, ATX headings, renumbered ordered lists, no
 * trailing spaces, at most one blank line. Deckhand compares text in one
 * normal form, so Linear's rewrite of what Deckhand (or a person) wrote is
 * never mistaken for an edit, and never written back (an echo loop).
 *
 * The normal form keeps what a person would write: `-` bullets, `_emphasis_`,
 * `**strong**`, lists numbered 1, 2, 3, and no backslash where it changes
 * nothing: Linear escapes bare `[`, `]`, intraword `_` and a lone `*`
 * (`\[WIP\]`, `snake\_case`, `2 \* 3`), and those escapes are dropped only
 * where the bare character cannot be Markdown, so the text means the same
 * when Deckhand writes it back. Fenced code is left exactly as it is.
 * `normaliseMarkdown(normaliseMarkdown(x)) === normaliseMarkdown(x)`.
 */
export function normaliseMarkdown(text: string): string {
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
      out.push(line.replace(/\s+$/, ''));
      number = 0;
      continue;
    }
    let text = line.replace(/[ \t]+$/, '');
    // Setext headings (`Title` over `===`) become ATX (`# Title`), as Linear prints them.
    const next = lines[i + 1];
    if (
      text.trim() !== '' &&
      next !== undefined &&
      /^\s*(=+|-+)\s*$/.test(next) &&
      !/^\s*([-*+]|\d+[.)])\s/.test(text)
    ) {
      out.push(`${next.trim().startsWith('=') ? '#' : '##'} ${text.trim()}`);
      i++;
      number = 0;
      continue;
    }
    text = text.replace(/^(\s*)[*+](\s+)/, '$1-$2');
    const ordered = /^(\s*)\d+([.)])(\s+)(.*)$/.exec(text);
    if (ordered && ordered[1] === '') {
      number++;
      text = `${number}.${ordered[3]}${ordered[4]}`;
    } else if (text.trim() !== '' && !/^\s/.test(text)) {
      number = 0;
    }
    out.push(inline(text));
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Emphasis in one style: `__strong__` as `**strong**`, `*em*` as `_em_`; inline code is left alone. */
function inline(line: string): string {
  return line
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : unescape(
            part
              .replace(/(^|[^\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])/g, '$1**$2**')
              .replace(/(^|[^\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])/g, '$1_$2_'),
          ),
    )
    .join('');
}

/**
 * Drops the backslashes Linear adds where the bare character means the same
 * (CommonMark): `_` between letters or digits never starts emphasis, a `*`
 * with spaces on both sides after some text is neither emphasis nor a bullet,
 * and `[…]` not followed by `(`, `[` or `:` is no link (a task box at the start of
 * a list item is left escaped: bare, it would become one).
 */
function unescape(text: string): string {
  return text
    .replace(/(?<=[A-Za-z0-9])\\_(?=[A-Za-z0-9])/g, '_')
    .replace(/(?<=\S[ \t]+)\\\*(?=[ \t])/g, '*')
    .replace(
      /(^\s*(?:[-*+]|\d+[.)])\s+)?\\\[([^\]\n\\]*)\\\](?![([:])/g,
      (all, item: string | undefined, inner: string) =>
        item !== undefined && /^[ xX]$/.test(inner) ? all : `${item ?? ''}[${inner}]`,
    );
}

/** Whether two Markdown texts say the same once both are in the normal form. */
export function sameMarkdown(a: string, b: string): boolean {
  return normaliseMarkdown(a) === normaliseMarkdown(b);
}
