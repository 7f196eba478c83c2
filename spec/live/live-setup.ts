import { aptInstall, hasCommand } from '../support/apt-install.js';

/**
 * Vitest globalSetup of the live project, so that `npm install && npm test` passes on a fresh machine of this
 * kind as it does in CI: the TLS specs make a throwaway certificate with `openssl`; the network-fault specs
 * (NetFault) need `ip` (iproute2) and `iptables`. Missing ones are installed from Debian's packages when we are
 * root with apt-get; otherwise the run goes on and the specs that need them fail with one line naming what is
 * missing (never a silent skip).
 */
export default function setup(): void {
  const needs: Array<[command: string, pkg: string]> = [
    ['openssl', 'openssl'],
    ['ip', 'iproute2'],
    ['iptables', 'iptables'],
  ];
  const missing = needs.filter(([command]) => !hasCommand(command)).map(([, pkg]) => pkg);
  const problem = aptInstall('live suite', missing);
  if (problem) console.error(problem);
}
