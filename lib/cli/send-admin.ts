import { validateConfig } from '../router/validate-config.js';
import { sendAdminCommand } from '../testing/send-admin-command.js';

/** Sends one Admin command (docs/testing.md) to a test node over its own port; resolves with the JSON reply. */
export async function sendAdmin(host: string, command: object, timeoutMs = 2000): Promise<unknown> {
  const address = validateConfig({ hosts: [host] }).addresses[0]!;
  return sendAdminCommand(`${address.host}:${address.port}`, command, timeoutMs);
}
