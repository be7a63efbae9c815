#!/usr/bin/env node
// `npm run demo`: serves the built dashboard (dist/renderer) on 127.0.0.1 and opens demo.html, the
// same app fed by an in-page demo bridge with fake accounts, in your browser. No Electron needed.
//
//   node scripts/demo.mjs [--port 5180] [--scenario NAME] [--no-open]
//
// Scenarios (renderer/demo/scenarios.ts; expiries from the real broker rules at an IST instant):
// night-0245, early-0520, morning-0829, morning-0831, morning, all-states, healthy, holiday,
// problems, first-run.
//
// Only listens on 127.0.0.1, serves only files under dist/renderer, and stops with Ctrl+C.
import { spawn } from 'node:child_process';
import { existsSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../dist/renderer/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '0'));
const scenario = option('scenario', 'all-states');
const shouldOpen = !process.argv.includes('--no-open');

if (!existsSync(join(root, 'demo.html'))) {
  console.error(
    'dist/renderer/demo.html is missing: run `npm run build:renderer` first (npm run demo does).',
  );
  process.exit(1);
}

/** Maps a URL path to a file inside dist/renderer, or null if it would leave it. */
function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const relative = normalize(decoded === '/' ? '/demo.html' : decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative);
  if (!file.startsWith(root) || relative.split(sep).includes('..')) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = fileFor(req.url ?? '/');
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

function openInBrowser(url) {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
      child.on('error', () => resolve(false));
      child.on('exit', (code) => resolve(code === 0));
      child.unref();
    } catch {
      resolve(false);
    }
  });
}

server.listen(port, '127.0.0.1', async () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const url = `http://127.0.0.1:${actual}/demo.html?scenario=${encodeURIComponent(scenario)}`;
  console.log(`TokenTray demo (fake accounts, nothing leaves this machine): ${url}`);
  console.log(
    'Scenarios (--scenario NAME): night-0245, early-0520, morning-0829, morning-0831, morning, all-states, healthy, holiday, problems, first-run. Ctrl+C to stop.',
  );
  if (shouldOpen && !(await openInBrowser(url))) {
    console.log(`Could not open a browser here; open this URL yourself: ${url}`);
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
