// The three clients the benchmark compares, each as `send(payload, callback)` over three nodes.
import net from 'node:net';
import genericPool from 'generic-pool';
import { createRouter, encodeFrame, FrameDecoder, MessageType } from 'qdb-router';
import { SlotTable } from 'qdb-router/internal';

const split = (address) => {
  const [host, port] = address.split(':');
  return { host, port: Number(port) };
};

function connect(address) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(split(address), () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * The physical limit: one pipelined socket per node, framing and nothing else. Its pending requests sit in the
 * same slot table the router's connections use (the leanest bookkeeping known), so the ratios compare the router
 * with the best a hand-written client does.
 */
export async function rawClient(addresses) {
  const sockets = await Promise.all(
    addresses.map(async (address, i) => {
      const socket = await connect(address);
      const decoder = new FrameDecoder();
      const pending = new SlotTable(1024);
      socket.on('data', (chunk) => {
        for (const m of decoder.push(chunk)) {
          const entry = pending.get(m.sequence);
          if (entry === undefined) continue;
          pending.delete(entry);
          entry.cb(null, m);
        }
      });
      return { socket, pending, nodeId: i + 1, seq: 0, corked: false };
    }),
  );
  let next = 0;
  return {
    name: 'raw socket',
    send(payload, cb) {
      const s = sockets[next++ % sockets.length];
      const sequence = s.pending.freeSequence(s.seq + 1);
      s.seq = sequence;
      s.pending.put({ sequence, cb });
      if (!s.corked) {
        // the same write batching the router does: frames of one tick leave in one writev
        s.corked = true;
        s.socket.cork();
        process.nextTick(() => {
          s.corked = false;
          s.socket.uncork();
        });
      }
      s.socket.write(
        encodeFrame({
          sender: 0,
          recipient: s.nodeId,
          sequence,
          timestamp: Date.now(),
          type: MessageType.Data,
          payload,
        }),
      );
    },
    async close() {
      for (const s of sockets) s.socket.destroy();
    },
  };
}

/** What a user would otherwise build (the reference client's design): one request per pooled connection. */
export async function perConnectionPool(addresses, max) {
  const pools = addresses.map((address, i) =>
    genericPool.createPool(
      {
        create: async () => {
          const socket = await connect(address);
          const decoder = new FrameDecoder();
          const conn = { socket, decoder, cb: undefined, seq: 0, nodeId: i + 1 };
          socket.on('data', (chunk) => {
            for (const m of decoder.push(chunk)) {
              const cb = conn.cb;
              conn.cb = undefined;
              cb?.(null, m);
            }
          });
          return conn;
        },
        destroy: async (conn) => conn.socket.destroy(),
      },
      { max, min: 0 },
    ),
  );
  let next = 0;
  return {
    name: 'pool, 1 request/connection',
    send(payload, cb) {
      const pool = pools[next++ % pools.length];
      pool.acquire().then((conn) => {
        conn.cb = (err, m) => {
          pool.release(conn);
          cb(err, m);
        };
        conn.socket.write(
          encodeFrame({
            sender: 0,
            recipient: conn.nodeId,
            sequence: ++conn.seq,
            timestamp: Date.now(),
            type: MessageType.Data,
            payload,
          }),
        );
      }, cb);
    },
    async close() {
      for (const p of pools) {
        await p.drain();
        await p.clear();
      }
    },
  };
}

/** qdb-router with its defaults: health, balancing and retry on. */
export async function routerClient(addresses, config = {}, name = 'qdb-router') {
  const router = createRouter({ hosts: addresses, ...config });
  await router.request('warm-up');
  return {
    name,
    router,
    send(payload, cb) {
      router.request$(payload).subscribe({ next: (m) => cb(null, m), error: (e) => cb(e) });
    },
    close: () => router.close(),
  };
}
