import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The http://host:port a listening server is reached at. */
export function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}

/** Listens, or rejects with the listen error (EADDRINUSE, EACCES) instead of throwing later. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
