/** One line for a listening socket that failed: the busy or forbidden port named, no stack. */
export function listenError(err: unknown, port: number, option = '--port'): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `error: port ${port} is already in use (${option} ${port}); pick another or 0 for any`;
  if (code === 'EACCES') return `error: no permission to listen on port ${port} (${option} ${port})`;
  return `error: cannot listen on port ${port}: ${(err as Error).message}`;
}
