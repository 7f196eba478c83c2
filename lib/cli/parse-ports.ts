import { UsageError } from './usage-error.js';

/** `'7000,7001'` → `[7000, 7001]`; anything else is a {@link UsageError} naming the bad part. */
export function parsePorts(text: string): number[] {
  const ports = text.split(',').map((part) => {
    const port = Number(part.trim());
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`bad port ${JSON.stringify(part)}`);
    return port;
  });
  if (new Set(ports).size !== ports.length) throw new UsageError(`duplicate port in ${text}`);
  return ports;
}
