import net from 'node:net';
import tls from 'node:tls';

/** Listens on TCP (TLS with `tlsOptions`) and resolves with the server once listening; rejects on EADDRINUSE … */
export function listenTcp(
  host: string,
  port: number,
  tlsOptions: tls.TlsOptions | undefined,
  accept: (socket: net.Socket) => void,
): Promise<net.Server> {
  const server = tlsOptions
    ? tls.createServer({ ...tlsOptions }, accept)
    : net.createServer({ noDelay: true }, accept);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
