import type { Socket } from 'node:net';
import { ChunkedDecoder, findHeadEnd } from './icap-message.ts';

/**
 * Pull-style reading of ICAP messages from a socket, shared by the ICAP server and client: a
 * head up to its empty line, an exact number of bytes, a chunked body. Reading pauses the
 * socket while too much is unread (backpressure), so a client that floods a connection costs
 * at most `HIGH_WATER` bytes of memory.
 */

/** Unread bytes kept per connection before reading pauses. */
export const HIGH_WATER = 256 * 1024;

/** The peer closed the connection in the middle of a message (or we were waiting to write). */
export class ConnectionEnded extends Error {
  constructor() {
    super('connection ended inside a message');
    this.name = 'ConnectionEnded';
  }
}

export class SocketReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  private readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => {
      this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
      if (this.buffer.length > HIGH_WATER) socket.pause();
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
  }

  /** Bytes received and not read yet. */
  get unread(): number {
    return this.buffer.length;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private more(): Promise<void> {
    if (this.ended) return Promise.reject(new ConnectionEnded());
    this.socket.resume();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    if (this.buffer.length < HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return out;
  }

  /** The next head (through its empty line), or null when the peer closed between messages. */
  async head(max: number): Promise<Buffer | null> {
    for (;;) {
      const end = findHeadEnd(this.buffer, max);
      if (end >= 0) return this.take(end);
      if (this.ended) {
        if (this.buffer.length === 0) return null;
        throw new ConnectionEnded();
      }
      await this.more();
    }
  }

  /** Exactly `n` bytes. */
  async exactly(n: number): Promise<Buffer> {
    while (this.buffer.length < n) await this.more();
    return this.take(n);
  }

  /** Reads a chunked body to its last chunk, handing each piece of data to `onData`. */
  async chunked(onData: (data: Buffer) => void | Promise<void>): Promise<ChunkedDecoder> {
    const decoder = new ChunkedDecoder();
    for (;;) {
      const pieces: Buffer[] = [];
      const used = decoder.push(this.buffer, (data) => pieces.push(data));
      this.take(used);
      for (const piece of pieces) await onData(piece);
      if (decoder.done) return decoder;
      await this.more();
    }
  }
}

/** Writes, waiting for the socket to drain when its buffer is full. */
export function writeTo(socket: Socket, data: string | Buffer): Promise<void> {
  if (socket.destroyed) return Promise.reject(new ConnectionEnded());
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('drain', onDrain);
      reject(new ConnectionEnded());
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
