import dgram from 'node:dgram';
import net from 'node:net';

/**
 * SO_REUSEPORT: several processes bind the same port and the kernel spreads the clients over
 * them. Node has the option for UDP and TCP from 22.12 / 23.1 (Linux, FreeBSD); older versions
 * ignore it silently, so support is found by trying: a second bind to the same port succeeds
 * only where the option works.
 */

/** `dgram.SocketOptions` with the option older type definitions do not know. */
export type ReusePortSocketOptions = dgram.SocketOptions & { readonly reusePort?: boolean };
/** `net.ListenOptions` with the option older type definitions do not know. */
export type ReusePortListenOptions = net.ListenOptions & { readonly reusePort?: boolean };

function bindUdp(port: number): Promise<dgram.Socket> {
  const options: ReusePortSocketOptions = { type: 'udp4', reusePort: true };
  const socket = dgram.createSocket(options);
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve(socket));
  });
}

function listenTcp(port: number): Promise<net.Server> {
  const server = net.createServer();
  const options: ReusePortListenOptions = {
    port,
    host: '127.0.0.1',
    exclusive: true,
    reusePort: true,
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => resolve(server));
  });
}

/** True when both UDP and TCP sockets can share a port with SO_REUSEPORT here. */
export async function reusePortSupported(): Promise<boolean> {
  const opened: Array<{ close: () => void }> = [];
  try {
    const a = await bindUdp(0);
    opened.push(a);
    const port = a.address().port;
    opened.push(await bindUdp(port));
    const t = await listenTcp(0);
    opened.push(t);
    const address = t.address();
    if (typeof address !== 'object' || address === null) return false;
    opened.push(await listenTcp(address.port));
    return true;
  } catch {
    return false;
  } finally {
    for (const s of opened) s.close();
  }
}
