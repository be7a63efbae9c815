/**
 * The CLI's channel to the running app: a Unix socket (mode 0600, in a 0700 folder the user owns)
 * or, on Windows, a per-user named pipe. Only this OS user can connect, so a connection acts as the
 * user (`local` principal) — the same trust as the dashboard. Node has no portable peer-credential
 * call, so the filesystem permissions are the check: the folder is created 0700, refused when it is
 * a symlink or owned by someone else, and the socket is chmod 0600 right after it is bound.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Snapshot } from '../../../shared/domain';
import type { Logger } from '../ports';
import { CommandError, toCommandError } from '../commands/command-error';
import { CLI_CALLER, type Commands } from '../commands/commands';
import { MAX_LINE_BYTES, socketRequestSchema, type SocketReply } from './socket-protocol';

export interface SocketServerOptions {
  readonly path: string;
  readonly commands: Commands;
  /** Snapshot subscription (TokenService.subscribe / app.onSnapshot) for `watch`. */
  readonly subscribe: (listener: (snapshot: Snapshot) => void) => () => void;
  /** The current snapshot, sent first on `watch`. */
  readonly snapshot: () => Snapshot;
  readonly logger: Logger;
  /** Settings of the local API (`tokentray api`), answered by local-api.ts. */
  readonly localApi?: (input: unknown) => Promise<unknown>;
}

export interface SocketServer {
  readonly path: string;
  close(): Promise<void>;
}

async function securePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a folder (a link?): refusing to use it`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user: refusing to put the CLI socket there`);
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** True when something answers on `path` (another TokenTray is running). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

function reply(socket: Socket, body: SocketReply): void {
  if (!socket.writable) return;
  socket.write(JSON.stringify(body) + '\n');
}

function notAvailable(): Promise<never> {
  return Promise.reject(new CommandError('not-running', 'The local API is not available here.'));
}

function failure(e: CommandError): SocketReply {
  return { ok: false, error: { code: e.code, message: e.message } };
}

export async function startSocketServer(options: SocketServerOptions): Promise<SocketServer> {
  const { path, commands, logger } = options;
  const windows = process.platform === 'win32';
  if (!windows) {
    await securePrivateDir(dirname(path));
    try {
      const info = await lstat(path);
      if (!info.isSocket())
        throw new Error(`${path} exists and is not a socket: refusing to replace it`);
      if (await answers(path))
        throw new Error('Another TokenTray is already listening for the CLI.');
      await unlink(path); // left by a TokenTray that crashed
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const open = new Set<Socket>();

  function serve(socket: Socket): void {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    let handled = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (handled) return;
      buffered += chunk;
      if (Buffer.byteLength(buffered) > MAX_LINE_BYTES) {
        handled = true;
        reply(socket, failure(new CommandError('payload-too-large', 'The request is over 64 KB.')));
        socket.end();
        return;
      }
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      handled = true;
      void handle(socket, buffered.slice(0, nl));
    });
  }

  async function handle(socket: Socket, line: string): Promise<void> {
    let request;
    try {
      request = socketRequestSchema.parse(JSON.parse(line));
    } catch (e) {
      reply(
        socket,
        failure(
          e instanceof SyntaxError
            ? new CommandError('bad-request', 'The request is not JSON.')
            : toCommandError(e, logger, 'cli socket'),
        ),
      );
      socket.end();
      return;
    }
    if (request.command === 'watch') {
      const send = (snapshot: Snapshot) => {
        try {
          reply(socket, { ok: true, result: commands.statusOf(snapshot) });
        } catch (e) {
          reply(socket, failure(toCommandError(e, logger, 'watch')));
        }
      };
      const unsubscribe = options.subscribe(send);
      socket.on('close', unsubscribe);
      send(options.snapshot());
      return;
    }
    try {
      const result =
        request.command === 'local-api'
          ? await (options.localApi ?? notAvailable)(request.input ?? {})
          : await commands.run(request.command, request.input ?? {}, CLI_CALLER);
      reply(socket, { ok: true, result });
    } catch (e) {
      reply(socket, failure(toCommandError(e, logger, `cli ${request.command}`)));
    }
    socket.end();
  }

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (!windows) await chmod(path, 0o600);
  logger.info('CLI socket listening', { path });

  return {
    path,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
