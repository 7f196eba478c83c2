import type http from 'node:http';
import { type DropReason, SseClient } from './sse-client.js';

/**
 * The `/events` clients of a dashboard: each message is serialised once and offered to every client through its
 * own backpressure queue ({@link SseClient}); a client that falls more than `maxQueuedBytes` behind is
 * disconnected and `log` says so.
 */
export class FeedHub {
  private readonly clients = new Set<SseClient>();
  private readonly maxQueuedBytes: number;
  private readonly log: (line: string) => void;
  /** Clients disconnected for falling behind, since the start. */
  dropped = 0;

  constructor(maxQueuedBytes: number, log: (line: string) => void) {
    this.maxQueuedBytes = maxQueuedBytes;
    this.log = log;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes an `/events` response: SSE headers, then `initial` messages (name, data) to this client only. */
  add(res: http.ServerResponse, initial: ReadonlyArray<readonly [string, unknown]>): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const client = new SseClient(res, this.maxQueuedBytes, (c, reason, queued) =>
      this.onDrop(c, reason, queued),
    );
    client.send('retry: 1000\n\n');
    for (const [event, data] of initial) client.send(message(event, data));
    this.clients.add(client);
  }

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const chunk = message(event, data);
    for (const c of this.clients) c.send(chunk);
  }

  keepAlive(): void {
    for (const c of this.clients) c.keepAlive();
  }

  close(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private onDrop(client: SseClient, reason: DropReason, queued: number): void {
    this.clients.delete(client);
    if (reason !== 'behind') return;
    this.dropped++;
    this.log(
      `dashboard: disconnected /events client ${client.peer}: it stopped reading ` +
        `(${Math.round(queued / 1024)} KiB waiting, limit ${Math.round(this.maxQueuedBytes / 1024)} KiB)`,
    );
  }
}

const message = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
