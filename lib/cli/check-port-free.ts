import net from 'node:net';

/**
 * Binds `port` on `host` for a moment and lets it go: rejects (EADDRINUSE …) when it is taken, so a command can
 * refuse a busy `--port` before it starts anything. Port 0 always passes.
 */
export async function checkPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return;
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
}
