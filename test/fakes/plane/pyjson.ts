/**
 * JSON as Python writes it, for byte-faithful bodies.
 *
 * - DRF's JSONRenderer (API answers): `json.dumps(..., separators=(',', ':'), ensure_ascii=False)`.
 * - Plane's webhook task signs `json.dumps(payload)` and `requests` sends the same bytes:
 *   separators `', '` and `': '`, and every non-ASCII character escaped as `\uXXXX`.
 *
 * A Django FloatField comes out as a Python float (`65535.0`), which `JSON.stringify`
 * cannot write; such values are wrapped in {@link PyFloat} by the renderers.
 */

export class PyFloat {
  constructor(readonly value: number) {}
}

export const pyFloat = (value: number): PyFloat => new PyFloat(value);

/** Python's `repr(float)`: integral values keep a `.0`; large or tiny ones use `e+NN` / `e-NN`. */
function floatRepr(n: number): string {
  if (!Number.isFinite(n)) throw new Error('fake plane: NaN/Infinity are not JSON');
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exp] = n.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[-+]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const s = String(n);
  return Number.isInteger(n) ? `${s}.0` : s;
}

function encodeString(s: string, asciiOnly: boolean): string {
  const json = JSON.stringify(s);
  if (!asciiOnly) return json;
  // Python escapes each UTF-16 code unit above 0x7f, lower-case hex.
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface PyJsonStyle {
  /** `(',', ':')` as DRF renders; otherwise Python's default `(', ', ': ')`. */
  compact: boolean;
  /** `ensure_ascii=True` (Python's default). */
  asciiOnly: boolean;
}

export const DRF_STYLE: PyJsonStyle = { compact: true, asciiOnly: false };
export const PYTHON_DEFAULT_STYLE: PyJsonStyle = { compact: false, asciiOnly: true };

export function pyJsonDumps(value: unknown, style: PyJsonStyle): string {
  const item = style.compact ? ',' : ', ';
  const key = style.compact ? ':' : ': ';
  const encode = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v instanceof PyFloat) return floatRepr(v.value);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error('fake plane: NaN/Infinity are not JSON');
      return Number.isInteger(v) ? String(v) : floatRepr(v);
    }
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return encodeString(v, style.asciiOnly);
    if (Array.isArray(v)) return `[${v.map(encode).join(item)}]`;
    if (typeof v === 'object') {
      const parts = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${encodeString(k, style.asciiOnly)}${key}${encode(x)}`);
      return `{${parts.join(item)}}`;
    }
    throw new Error(`fake plane: cannot encode ${typeof v}`);
  };
  return encode(value);
}

/**
 * What a Python round trip `json.loads(json.dumps(x))` leaves: PyFloat stays a float
 * (so it still prints as `1.0`), everything else is plain JSON data.
 */
export function pyClone<T>(value: T): T {
  if (value instanceof PyFloat) return new PyFloat(value.value) as T;
  if (Array.isArray(value)) return value.map(pyClone) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pyClone(v)])) as T;
  }
  return value;
}

/** Python `==` on decoded JSON (a float equals the same int; dict key order does not matter). */
export function pyEqual(a: unknown, b: unknown): boolean {
  const num = (x: unknown): number | undefined =>
    x instanceof PyFloat ? x.value : typeof x === 'number' ? x : typeof x === 'boolean' ? Number(x) : undefined;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => k in (b as object) && pyEqual((a as never)[k], (b as never)[k]));
  }
  return a === b;
}
