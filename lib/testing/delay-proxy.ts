import net from 'node:net';

/** Options of {@link DelayProxy.start}. */
export interface DelayProxyOptions {
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  readonly port?: number;
  /** Where every accepted connection is forwarded, `host:port`. */
  readonly target: string;
  /** Added to every chunk, in both directions. @defaultValue 0 */
  readonly delayMs?: number;
}

/**
 * A TCP proxy that adds latency (this kernel has no netem): each chunk read from one side is written to the other
 * `delayMs` later, in order. A reset on one side resets the other; an end is passed on after the data before it.
 *
 * ```
 * client  ──a──b────────────
 * target  ─────(delayMs)─a──b──
 * ```
 */
export class DelayProxy {
  /** Added to every chunk from now on. */
  delayMs: number;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  private constructor(
    private readonly server: net.Server,
    delayMs: number,
  ) {
    this.delayMs = delayMs;
  }

  static async start(options: DelayProxyOptions): Promise<DelayProxy> {
    const colon = options.target.lastIndexOf(':');
    const target = { host: options.target.slice(0, colon), port: Number(options.target.slice(colon + 1)) };
    const server = net.createServer({ noDelay: true });
    const proxy = new DelayProxy(server, options.delayMs ?? 0);
    server.on('connection', (client) => proxy.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** `host:port` it listens on. */
  get address(): string {
    const a = this.server.address() as net.AddressInfo;
    return `${a.address}:${a.port}`;
  }

  /** Stops listening and resets every connection. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect({ ...target, noDelay: true });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: net.Socket, to: net.Socket): void {
    let lastDue = 0;
    let pending = 0;
    const later = (action: () => void) => {
      const due = Math.max(performance.now() + this.delayMs, lastDue);
      lastDue = due;
      const wait = due - performance.now();
      if (wait <= 0 && pending === 0) return action();
      pending++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        pending--;
        action();
      }, wait);
      this.timers.add(timer);
    };
    from.on('data', (chunk) => later(() => to.destroyed || to.write(chunk)));
    from.on('end', () => later(() => to.destroyed || to.end()));
    from.on('error', () => to.resetAndDestroy());
    from.on('close', (hadError) => {
      if (hadError && !to.destroyed) to.resetAndDestroy();
    });
  }
}
