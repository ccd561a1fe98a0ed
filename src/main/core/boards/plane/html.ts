/**
 * Plane stores descriptions and comments as HTML from its rich-text editor;
 * Deckhand's canonical fields are plain text. Text goes in as paragraphs
 * (blank lines) and line breaks; HTML comes back as the text a person reads.
 * The round trip text → HTML → text is exact, and so is a server that wraps
 * or re-nests the paragraphs, so a rewrite is never seen as an edit.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n/g, '\n').split(/\n{2,}/);
  if (text.trim() === '') return '<p></p>';
  return paragraphs.map((p) => `<p>${p.split('\n').map(escape).join('<br>')}</p>`).join('');
}

export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|blockquote|pre|ul|ol)>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, name: string) => {
      if (name in ENTITIES) return ENTITIES[name]!;
      if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
