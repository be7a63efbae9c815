/**
 * Talks to the running app over its CLI socket (core/api/socket-server.ts). `connect` answers null
 * when nothing listens (the app is not running), so the CLI falls back to working on its own.
 */
import { createConnection, type Socket } from 'node:net';
import { socketReplySchema, type SocketReply } from '../core/api/socket-protocol';

export function connect(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(null));
  });
}

/** Sends one request and calls `onReply` for every line of answer until the app closes. */
export function exchange(
  socket: Socket,
  command: string,
  input: unknown,
  onReply: (reply: SocketReply) => boolean | void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let reply: SocketReply;
        try {
          reply = socketReplySchema.parse(JSON.parse(line));
        } catch {
          socket.destroy();
          reject(new Error('TokenTray answered on its CLI socket with something unexpected.'));
          return;
        }
        if (onReply(reply) === true) {
          socket.destroy();
          resolve();
          return;
        }
      }
    });
    socket.on('error', (e) => reject(e));
    socket.on('close', () => resolve());
    socket.write(JSON.stringify({ command, input }) + '\n');
  });
}

/** One request, one answer. */
export async function request(
  socket: Socket,
  command: string,
  input: unknown,
): Promise<SocketReply> {
  let answer: SocketReply | undefined;
  await exchange(socket, command, input, (reply) => {
    answer = reply;
    return true;
  });
  if (!answer)
    throw new Error('TokenTray closed the CLI socket without an answer: is it quitting?');
  return answer;
}
