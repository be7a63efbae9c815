/**
 * A loopback HTTPS webhook receiver for tests and the bench, with its own throw-away CA (made with the
 * machine's `openssl`): the server certificate is for 127.0.0.1/localhost, signed by that CA, and the
 * client under test trusts the CA explicitly — as a user with a self-hosted receiver would.
 *
 * Each request is recorded raw (headers + exact body bytes, so the signature can be checked the way a
 * receiver checks it); what it answers is scripted per request: a status, or 'hang' (never answers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  readonly dir: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly certFile: string;
  readonly keyFile: string;
  remove(): void;
}

/** A CA and a server certificate for 127.0.0.1 and localhost, valid two days. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=TokenTray Test CA',
  ]);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    certPem: readFileSync(join(dir, 'server.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export type Reply = number | 'hang';

export interface HttpsReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers for the next requests, in order; once used up, `fallback` (default 200). */
  script(replies: Reply[], fallback?: Reply): void;
  close(): Promise<void>;
}

export async function startHttpsReceiver(ca: TestCa): Promise<HttpsReceiver> {
  const requests: ReceivedRequest[] = [];
  let queue: Reply[] = [];
  let fallback: Reply = 200;
  const server: Server = createServer({ cert: ca.certPem, key: ca.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        body: Buffer.concat(chunks),
      });
      const reply = queue.shift() ?? fallback;
      if (reply === 'hang') return; // the client's deadline must end this
      res.writeHead(reply, { 'content-type': 'text/plain' });
      res.end(reply >= 400 ? 'no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hooks/tokentray`,
    requests,
    script(replies, fb = 200) {
      queue = [...replies];
      fallback = fb;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
