/** A short, single-line excerpt of an unexpected body (HTML tags dropped), for error messages. */
export function excerpt(text: string, max = 120): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty body)';
}
