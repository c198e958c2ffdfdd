import { existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { HavenConfig } from '../config/config-schema.ts';
import type { Store } from '../store/database.ts';
import { stdinFrom, type CliIo } from './cli-io.ts';

/**
 * With the embedded database only one process may open the data folder. While `haven start`
 * runs, other `haven` commands on the same folder are forwarded over a Unix socket in the data
 * folder (`haven.sock`, readable by the same user only) and run inside the running Haven, on its
 * open database; their output comes back to the terminal that typed them.
 *
 * Protocol: one JSON line `{ argv, cwd, stdin, stderrIsTTY }` from the client; JSON lines
 * `{ out }`, `{ err }` and finally `{ exit }` back.
 */
export function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'haven.sock');
}

/** Commands that must never run inside the server. */
const notForwarded = new Set(['start', 'filter']);

interface Request {
  argv: string[];
  cwd: string;
  stdin: string;
  stderrIsTTY: boolean;
}

export function serveAdminSocket(options: {
  dataDir: string;
  config: HavenConfig;
  store: Store;
  run: (argv: string[], io: CliIo) => Promise<number>;
}): Promise<Server> {
  const path = adminSocketPath(options.dataDir);
  if (existsSync(path)) rmSync(path, { force: true });
  const server = createServer((socket: Socket) => {
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    const send = (message: object): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    lines.once('line', (line) => {
      lines.close();
      let request: Request;
      try {
        request = JSON.parse(line) as Request;
        if (!Array.isArray(request.argv) || typeof request.cwd !== 'string')
          throw new Error('bad request');
      } catch {
        send({ err: 'haven: the request to the running Haven was not understood.\n' });
        send({ exit: 2 });
        socket.end();
        return;
      }
      if (notForwarded.has(request.argv[0] ?? '')) {
        send({
          err: `haven: "${request.argv[0] ?? ''}" cannot run while Haven is running on this data folder.\n`,
        });
        send({ exit: 1 });
        socket.end();
        return;
      }
      const io: CliIo = {
        out: (text) => send({ out: text }),
        err: (text) => send({ err: text }),
        stdin: stdinFrom(request.stdin ?? ''),
        cwd: request.cwd,
        stderrIsTTY: request.stderrIsTTY === true,
        running: { config: options.config, store: options.store },
      };
      options
        .run(request.argv, io)
        .then((code) => send({ exit: code }))
        .catch((error: unknown) => {
          send({ err: `haven: ${error instanceof Error ? error.message : String(error)}\n` });
          send({ exit: 1 });
        })
        .finally(() => socket.end());
    });
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen({ path, readableAll: false, writableAll: false }, () => {
      server.off('error', reject);
      resolveServer(server);
    });
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

/** Run a command inside the running Haven; resolves with its exit code. */
export async function forwardToRunningHaven(
  dataDir: string,
  argv: readonly string[],
): Promise<number> {
  const path = adminSocketPath(dataDir);
  const stdin = process.stdin.isTTY ? '' : await readAll(process.stdin);
  return new Promise((resolveExit, reject) => {
    const socket = createConnection(path);
    let exit: number | null = null;
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `${JSON.stringify({ argv, cwd: process.cwd(), stdin, stderrIsTTY: process.stderr.isTTY === true })}\n`,
      );
    });
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { out?: string; err?: string; exit?: number };
      if (message.out !== undefined) process.stdout.write(message.out);
      if (message.err !== undefined) process.stderr.write(message.err);
      if (message.exit !== undefined) exit = message.exit;
    });
    lines.on('close', () => resolveExit(exit ?? 1));
  });
}

export function canForward(dataDir: string): boolean {
  return existsSync(adminSocketPath(dataDir));
}
