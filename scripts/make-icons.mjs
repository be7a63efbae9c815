#!/usr/bin/env node
// Draws TokenTray's icons and writes them as PNG files (run `node scripts/make-icons.mjs`; the output is
// committed). `--check` redraws in memory and fails if a committed file's pixels differ, so the files
// and this script cannot drift apart.
//
// Output (electron/core/tray-icons.ts names the files; main resolves them through resource-paths.ts):
//   build/icon.png                         512×512 app icon (electron-builder's buildResources icon)
//   build/icons/app-256.png                256×256 window icon at run time (Linux shows it)
//   build/icons/tray/<status>-<theme>.png  16×16 tray dot, and <…>@2x.png 32×32 for HiDPI
//       status: valid | expiring | critical | expired | none; theme: light | dark (the panel's colour)
//   build/icons/tray/noneTemplate.png      macOS template image (black + alpha; macOS tints it), @2x too
//
// No dependencies: shapes are signed-distance functions, anti-aliased by 4×4 supersampling, composited
// "over", and encoded by a minimal PNG writer (8-bit RGBA, filter 0, deflate via node:zlib). The output
// is deterministic: no timestamps or metadata chunks.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

// ------------------------------------------------------------------ PNG

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGBA pixels (Uint8ClampedArray, width*height*4, straight alpha) → PNG bytes. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0; // filter type None
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(
      raw,
      y * (1 + width * 4) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The inverse, for files this script wrote (RGBA, 8 bit, filter 0): { width, height, rgba }. */
export function decodeOwnPng(bytes) {
  const sig = '89504e470d0a1a0a';
  if (bytes.subarray(0, 8).toString('hex') !== sig) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (
      crc32(bytes.subarray(offset + 4, offset + 8 + length)) !==
      bytes.readUInt32BE(offset + 8 + length)
    ) {
      throw new Error(`bad CRC in ${type}`);
    }
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6) throw new Error('not 8-bit RGBA');
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    if (raw[row] !== 0) throw new Error('unexpected PNG filter');
    rgba.set(raw.subarray(row + 1, row + 1 + width * 4), y * width * 4);
  }
  return { width, height, rgba };
}

// ------------------------------------------------------------------ drawing

const SS = 4; // samples per axis per pixel

/**
 * Renders layers onto a transparent canvas. Each layer: { sdf(x, y) → signed distance in canvas
 * pixels (negative inside), color: [r, g, b, a 0–1] }. Coordinates are in a 0..1 unit square.
 */
function render(size, layers) {
  const out = new Uint8ClampedArray(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0; // premultiplied accumulation over samples
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const layer of layers) {
            if (layer.sdf(x, y) > 0) continue;
            const [lr, lg, lb, la] = layer.color;
            // "over" with premultiplied colour
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = SS * SS;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const circle = (cx, cy, radius) => (x, y) => Math.hypot(x - cx, y - cy) - radius;
const ring = (cx, cy, radius, half) => (x, y) =>
  Math.abs(Math.hypot(x - cx, y - cy) - radius) - half;
/** A line from (ax, ay) to (bx, by) with round caps, `half` = half its width. */
const capsule = (ax, ay, bx, by, half) => (x, y) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - half;
};
const roundedRect = (x0, y0, x1, y1, radius) => (x, y) => {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - radius);
  const qy = Math.abs(y - cy) - ((y1 - y0) / 2 - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};

function hex(value, alpha = 1) {
  const n = Number.parseInt(value.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

// Status colours in the dashboard's hues (renderer/styles/app.css), bright enough for any panel.
// Shapes differ too, so the status reads without colour (deuteranopia: green and amber look alike):
// a solid dot (valid), a dot with a hollow centre (expiring), "!" (critical), "×" (expired), a ring
// (none). Every shape has a halo that contrasts with the panel, so none vanishes on a dark panel.
const FILL = {
  valid: '#1f9d55',
  expiring: '#e0a100',
  critical: '#e5484d',
  expired: '#b42318',
};

const WHITE = hex('#ffffff');

/** One tray dot. `theme` is the panel's colour: the halo contrasts with it. */
function trayLayers(status, theme) {
  const halo = theme === 'dark' ? hex('#ffffff', 0.55) : hex('#000000', 0.35);
  const c = 0.5;
  const r = 0.38;
  if (status === 'none') {
    return [
      { sdf: ring(c, c, 0.3, 0.07 + 0.05), color: halo },
      { sdf: ring(c, c, 0.3, 0.07), color: theme === 'dark' ? hex('#d0d0d0') : hex('#5a5a5a') },
    ];
  }
  const layers = [
    { sdf: circle(c, c, r + 0.055), color: halo },
    { sdf: circle(c, c, r), color: hex(FILL[status]) },
  ];
  if (status === 'critical') {
    layers.push({ sdf: capsule(c, 0.3, c, 0.52, 0.055), color: WHITE });
    layers.push({ sdf: circle(c, 0.68, 0.06), color: WHITE });
  } else if (status === 'expiring') {
    layers.push({ sdf: circle(c, c, 0.15), color: WHITE });
  } else if (status === 'expired') {
    layers.push({ sdf: capsule(0.36, 0.36, 0.64, 0.64, 0.055), color: WHITE });
    layers.push({ sdf: capsule(0.64, 0.36, 0.36, 0.64, 0.055), color: WHITE });
  }
  return layers;
}

/** macOS template: only the alpha channel counts; macOS draws it in the menu bar's own colour. */
function templateLayers() {
  return [{ sdf: ring(0.5, 0.5, 0.3, 0.07), color: hex('#000000') }];
}

/** The app icon: the dashboard favicon's green rounded square with a "T" (renderer/index.html). */
function appIconLayers() {
  const u = (v) => v / 26; // the favicon's 26-unit viewBox
  return [
    { sdf: roundedRect(u(1), u(1), u(25), u(25), u(7)), color: hex('#137a44') },
    { sdf: capsule(u(8), u(9), u(18), u(9), u(1.3)), color: WHITE },
    { sdf: capsule(u(13), u(9), u(13), u(18), u(1.3)), color: WHITE },
  ];
}

export const TRAY_STATUSES = ['valid', 'expiring', 'critical', 'expired', 'none'];
export const TRAY_THEMES = ['light', 'dark'];

/** Every file this script owns: path (relative to the repo) → { size, layers }. */
export function iconSpecs() {
  const specs = new Map();
  specs.set('build/icon.png', { size: 512, layers: appIconLayers() });
  specs.set('build/icons/app-256.png', { size: 256, layers: appIconLayers() });
  for (const status of TRAY_STATUSES) {
    for (const theme of TRAY_THEMES) {
      const layers = trayLayers(status, theme);
      specs.set(`build/icons/tray/${status}-${theme}.png`, { size: 16, layers });
      specs.set(`build/icons/tray/${status}-${theme}@2x.png`, { size: 32, layers });
    }
  }
  specs.set('build/icons/tray/noneTemplate.png', { size: 16, layers: templateLayers() });
  specs.set('build/icons/tray/noneTemplate@2x.png', { size: 32, layers: templateLayers() });
  return specs;
}

function main() {
  const check = process.argv.includes('--check');
  const problems = [];
  for (const [rel, spec] of iconSpecs()) {
    const pixels = render(spec.size, spec.layers);
    const path = join(root, rel);
    if (check) {
      if (!existsSync(path)) {
        problems.push(`${rel}: missing`);
        continue;
      }
      const got = decodeOwnPng(readFileSync(path));
      const same =
        got.width === spec.size &&
        got.height === spec.size &&
        got.rgba.length === pixels.length &&
        got.rgba.every((v, i) => v === pixels[i]);
      if (!same) problems.push(`${rel}: differs from what scripts/make-icons.mjs draws`);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodePng(spec.size, spec.size, pixels));
      console.log(`wrote ${rel} (${spec.size}×${spec.size})`);
    }
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nRun: node scripts/make-icons.mjs`);
    process.exit(1);
  }
  if (check) console.log(`icons ok (${iconSpecs().size} files)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
