import type { InvalidConfig } from './config.js';
import type { NodeAddress, Protocol } from './types.js';

const hostPattern =
  /^(?:(tcp|tls|ws|wss):\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d+))?(\/[^\s?#]*)?$/;

/**
 * One `hosts` entry as a node address: `host:port` (port 7000 by default) with an optional tcp://, tls://, ws://
 * or wss:// scheme (WebSocket URLs may carry a path); `index` is the node's position (its id is index + 1).
 */
export function parseHost(value: unknown, index: number, field: string, invalid: InvalidConfig): NodeAddress {
  if (typeof value !== 'string') throw invalid(field, value, "a string like '127.0.0.1:7000'");
  const match = hostPattern.exec(value.trim());
  if (!match)
    throw invalid(field, value, "'host:port' with an optional tcp://, tls://, ws:// or wss:// scheme");
  const protocol = (match[1] ?? 'tcp') as Protocol;
  const host = match[2]!.replace(/^\[|\]$/g, '');
  const port = match[3] === undefined ? 7000 : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw invalid(field, value, 'a port from 1 to 65535');
  const isWs = protocol === 'ws' || protocol === 'wss';
  if (match[4] !== undefined && !isWs)
    throw invalid(field, value, 'no path: only ws:// and wss:// addresses take one');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const path = isWs ? (match[4] ?? '/') : undefined;
  const label = `${protocol === 'tcp' ? '' : `${protocol}://`}${hostPart}:${port}${isWs && path !== '/' ? path : ''}`;
  return { id: index + 1, host, port, protocol, label, ...(path ? { path } : {}), alternatives: [] };
}
