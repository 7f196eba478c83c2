import type { ClusterNodeInfo } from '../wire/admin-types.js';
import { TestServer, type TestServerOptions } from './test-server.js';

/** Options of {@link TestCluster.start}. */
export interface TestClusterOptions extends Omit<TestServerOptions, 'port' | 'nodeId' | 'listNodes'> {
  /** Fixed ports, one per node; otherwise `size` nodes on free ports. */
  readonly ports?: readonly number[];
  /** How many nodes when no ports are given. @defaultValue 3 */
  readonly size?: number;
}

/**
 * Several in-process {@link TestServer}s whose membership can change: node ids 1..n at start, then `add()` gives
 * the next id (never reused) and `remove(nodeId)` takes a node out. Every node answers the reference client's
 * `ListNodes` admin request with the cluster's current members (what a router's `discovery: { source: 'admin' }`
 * reads).
 */
export class TestCluster {
  private readonly members = new Map<number, TestServer>();
  private readonly removed = new Set<TestServer>();
  private readonly serverOptions: TestServerOptions;
  private lastId = 0;

  private constructor(serverOptions: TestServerOptions) {
    this.serverOptions = serverOptions;
  }

  /** `TestCluster.start(3)` or `TestCluster.start({ ports: [7000, 7001] })`. */
  static async start(sizeOrOptions: number | TestClusterOptions = 3): Promise<TestCluster> {
    const options = typeof sizeOrOptions === 'number' ? { size: sizeOrOptions } : sizeOrOptions;
    const { ports, size, ...serverOptions } = options;
    const cluster = new TestCluster(serverOptions);
    try {
      for (const port of ports ?? Array.from({ length: size ?? 3 }, () => 0)) await cluster.add({ port });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** The current members, in node-id order. */
  get nodes(): readonly TestServer[] {
    return [...this.members.values()];
  }

  /** `host:port` of every current member, in node-id order. */
  get addresses(): string[] {
    return this.nodes.map((n) => n.address);
  }

  /** The member with this node id. */
  node(nodeId: number): TestServer {
    const node = this.members.get(nodeId);
    if (!node)
      throw new RangeError(`no node ${nodeId} in this cluster (members: ${[...this.members.keys()]})`);
    return node;
  }

  /** Data requests per current member, in node-id order. */
  get requestCounts(): number[] {
    return this.nodes.map((n) => n.requestCount);
  }

  /** The members as `ListNodes` answers them (node id, host, port; the first is the primary). */
  listNodes(): ClusterNodeInfo[] {
    return this.nodes.map((n, i) => ({
      nodeId: n.nodeId,
      hostname: n.host,
      port: n.port,
      status: 'Healthy',
      role: i === 0 ? 'Primary' : 'Replica',
    }));
  }

  /** Starts a new member with the next node id (never reused) and resolves once it listens. */
  async add(options: Partial<TestServerOptions> = {}): Promise<TestServer> {
    const nodeId = ++this.lastId;
    const server = await TestServer.start({
      ...this.serverOptions,
      ...options,
      nodeId,
      listNodes: () => this.listNodes(),
    });
    this.members.set(nodeId, server);
    return server;
  }

  /**
   * Takes member `nodeId` out of the cluster: `ListNodes` no longer lists it at once. Its server keeps running
   * (so a test can watch a router drain it) unless `stop` is set; `cluster.stop()` stops it in any case.
   */
  async remove(nodeId: number, { stop = false }: { readonly stop?: boolean } = {}): Promise<TestServer> {
    const server = this.node(nodeId);
    this.members.delete(nodeId);
    this.removed.add(server);
    if (stop) await server.stop();
    return server;
  }

  /** Stops every server, removed ones included. */
  async stop(): Promise<void> {
    await Promise.all([...this.members.values(), ...this.removed].map((n) => n.stop()));
  }
}
