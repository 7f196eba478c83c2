import type { DashboardOptions } from '../dashboard/dashboard-options.js';
import { UsageError } from './usage-error.js';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The dashboard flags shared by `watch` and `demo`: `--port N`, `--host NAME` (repeatable: the first is the
 * address to listen on, every one is an accepted `Host` name) and `--allow-control`.
 */
export const dashboardCli = {
  usage: `  --port N         the dashboard's port (default 0: any free port)
  --host NAME      listen on NAME instead of 127.0.0.1 and accept it as a Host header (repeat to accept more
                   names); the dashboard has NO authentication: anyone who reaches it sees the cluster
  --allow-control  show take-out / put-back buttons per node (markNodeUnhealthy / markNodeHealthy); loopback only`,
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', multiple: true },
    'allow-control': { type: 'boolean', default: false },
  },
  /** Checks the flags; returns the dashboard options and the warnings to print before starting. */
  resolve(values: { port?: string; host?: string[]; 'allow-control'?: boolean }): {
    port: number;
    options: DashboardOptions;
    warnings: string[];
  } {
    const port = Number(values.port ?? '0');
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`bad --port ${values.port}`);
    const hosts = values.host ?? [];
    for (const h of hosts)
      if (!/^[\w.:-]+$/.test(h) || h.length > 253) throw new UsageError(`bad --host ${JSON.stringify(h)}`);
    const bind = hosts[0] ?? '127.0.0.1';
    const exposed = !loopback.has(bind);
    const allowControl = values['allow-control'] === true;
    if (allowControl && exposed)
      throw new UsageError(
        `--allow-control works on loopback only (the dashboard has no authentication); drop it or --host ${bind}`,
      );
    const warnings = exposed
      ? [
          `warning: the dashboard listens on ${bind} with NO authentication: anyone who can reach it sees this cluster's nodes, addresses and traffic`,
          `         it answers only the Host names 127.0.0.1, localhost and ${hosts.join(', ')}: add --host NAME for each name or address its users type`,
        ]
      : [];
    return { port, warnings, options: { port, host: bind, allowedHosts: hosts, allowControl } };
  },
} as const;
