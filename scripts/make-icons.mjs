// Generates the tray and app icons in resources/ (run once; the PNGs are committed).
//   node scripts/make-icons.mjs
// Pure Node: a tiny PNG encoder and anti-aliased shapes, so no image tool is needed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5, size);
      raw.set([r, g, b, Math.round(a * 255)], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const clamp = (v) => Math.max(0, Math.min(1, v));
/** Coverage of a disc of radius r at distance d (1px anti-aliasing). */
const disc = (d, r) => clamp(r - d + 0.5);
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

const STATUS_COLOURS = {
  'in-sync': '#1f9d55',
  syncing: '#2f6fde',
  paused: '#6b7280',
  attention: '#c98a00',
  error: '#d64545',
};

/** Distance from (x, y) to the segment a-b, all in units of the icon size. */
function segment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
/** Coverage of round-capped strokes of width w along the given polylines (1px anti-aliasing). */
const strokes = (lines, w) => (x, y, size) => {
  const u = x / size;
  const v = y / size;
  let d = Infinity;
  for (const line of lines) for (let i = 1; i < line.length; i++) d = Math.min(d, segment(u, v, line[i - 1], line[i]));
  return clamp((w / 2 - d) * size + 0.5);
};
const STROKE = 0.13;

/**
 * A white glyph per status, so the states differ by shape as well as by
 * colour (colour-blind users, monochrome panels): check, sync arcs, pause bars, "!", cross.
 */
const GLYPHS = {
  'in-sync': strokes(
    [
      [
        [0.3, 0.52],
        [0.44, 0.66],
        [0.7, 0.36],
      ],
    ],
    STROKE,
  ),
  syncing: (x, y, size) => {
    const c = size / 2;
    const d = Math.hypot(x - c, y - c);
    const ring = disc(d, size * 0.27) - disc(d, size * 0.27 - STROKE * size);
    // Two gaps (top-right and bottom-left) make it read as rotation, not as a ring.
    const gap = Math.abs(x - c + (y - c)) < size * 0.09 && (x - c) * (y - c) < 0 ? 0 : 1;
    return ring * gap;
  },
  paused: strokes(
    [
      [
        [0.4, 0.33],
        [0.4, 0.67],
      ],
      [
        [0.6, 0.33],
        [0.6, 0.67],
      ],
    ],
    STROKE,
  ),
  attention: (x, y, size) =>
    Math.max(
      strokes(
        [
          [
            [0.5, 0.28],
            [0.5, 0.54],
          ],
        ],
        STROKE,
      )(x, y, size),
      disc(Math.hypot(x - size * 0.5, y - size * 0.72), size * 0.075),
    ),
  error: strokes(
    [
      [
        [0.34, 0.34],
        [0.66, 0.66],
      ],
      [
        [0.66, 0.34],
        [0.34, 0.66],
      ],
    ],
    STROKE,
  ),
};

/** A status-coloured disc with a white glyph: readable at 16 px on light and dark panels. */
function trayIcon(colour, glyph) {
  const [r, g, b] = hex(colour);
  return (x, y, size) => {
    const c = size / 2;
    const a = disc(Math.hypot(x - c, y - c), size * 0.47);
    const w = Math.min(glyph(x, y, size), a);
    const mix = (from) => Math.round(from * (1 - w) + 255 * w);
    return [mix(r), mix(g), mix(b), a];
  };
}
/** macOS template: black on transparent (the system tints it), a ring around a dot. */
const templateIcon = (x, y, size) => {
  const c = size / 2;
  const d = Math.hypot(x - c, y - c);
  return [0, 0, 0, Math.max(disc(d, size * 0.2), disc(d, size * 0.46) - disc(d, size * 0.34))];
};
/** App icon: a rounded square in two blues with a white "two sides in sync" mark (two arcs). */
const appIcon = (x, y, size) => {
  const m = size * 0.06;
  const rad = size * 0.2;
  const qx = Math.max(Math.abs(x - size / 2) - (size / 2 - m - rad), 0);
  const qy = Math.max(Math.abs(y - size / 2) - (size / 2 - m - rad), 0);
  const inside = clamp(rad - Math.hypot(qx, qy) + 0.5);
  const t = y / size;
  const bg = [Math.round(31 + 20 * t), Math.round(111 - 30 * t), Math.round(222 - 40 * t)];
  const c = size / 2;
  const d = Math.hypot(x - c, y - c);
  const ringOuter = disc(d, size * 0.3) - disc(d, size * 0.22);
  const gap = Math.abs(x - c) < size * 0.05 ? 0 : 1;
  const dot = disc(d, size * 0.08);
  const white = Math.max(ringOuter * gap, dot);
  const mix = (a, b) => Math.round(a * (1 - white) + b * white);
  return [mix(bg[0], 255), mix(bg[1], 255), mix(bg[2], 255), inside];
};

mkdirSync('resources', { recursive: true });
for (const [status, colour] of Object.entries(STATUS_COLOURS)) {
  writeFileSync(`resources/tray-${status}.png`, png(16, trayIcon(colour, GLYPHS[status])));
  writeFileSync(`resources/tray-${status}@2x.png`, png(32, trayIcon(colour, GLYPHS[status])));
}
writeFileSync('resources/trayTemplate.png', png(16, templateIcon));
writeFileSync('resources/trayTemplate@2x.png', png(32, templateIcon));
writeFileSync('resources/icon.png', png(512, appIcon));
console.log('icons written to resources/');
