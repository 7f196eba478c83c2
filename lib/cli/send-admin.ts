import { firstValueFrom } from 'rxjs';
import { validateConfig } from '../router/validate-config.js';
import { Connection } from '../transport/connection.js';
import { connectSocket } from '../transport/connector.js';
import { MessageType } from '../wire/message.js';

/** Sends one Admin command (docs/testing.md) to a test node over its own port; resolves with the JSON reply. */
export async function sendAdmin(host: string, command: object, timeoutMs = 2000): Promise<unknown> {
  const address = validateConfig({ hosts: [host] }).addresses[0]!;
  const conn = new Connection(await connectSocket(address, { timeoutMs }), address.id, {
    requestTimeoutMs: timeoutMs,
  });
  try {
    const reply = await firstValueFrom(
      conn.request$(new TextEncoder().encode(JSON.stringify(command)), MessageType.Admin, timeoutMs),
    );
    return JSON.parse(new TextDecoder().decode(reply.payload));
  } finally {
    conn.destroy();
  }
}
