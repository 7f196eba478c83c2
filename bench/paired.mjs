// Paired rounds: the same cell (32 B, 256 in flight) measured for several clients in turn, round after round, so a
// slow stretch of a shared machine falls on every client alike; each client's figure is its median over rounds.
import { measure } from './measure.mjs';

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** CPU µs and heap bytes per request of each client: medians over `rounds` interleaved runs of `durationMs`. */
export async function paired(clients, { rounds = 3, durationMs, payload = new Uint8Array(32).fill(97) }) {
  const runs = new Map(clients.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++)
    for (const client of clients)
      runs.get(client.name).push(await measure(client, { payload, concurrency: 256, durationMs }));
  return Object.fromEntries(
    [...runs].map(([name, rs]) => [
      name,
      {
        cpuUsPerRequest: median(rs.map((r) => r.cpuUsPerRequest)),
        heapBytesPerRequest: median(rs.map((r) => r.heapBytesPerRequest)),
        rps: median(rs.map((r) => r.rps)),
        rounds: rs.length,
      },
    ]),
  );
}
