import { TestServer, type TestServerOptions } from './test-server.js';

/** Options of {@link TestCluster.start}. */
export interface TestClusterOptions extends Omit<TestServerOptions, 'port' | 'nodeId'> {
  /** Fixed ports, one per node; otherwise `size` nodes on free ports. */
  readonly ports?: readonly number[];
  /** How many nodes when no ports are given. @defaultValue 3 */
  readonly size?: number;
}

/** Several in-process {@link TestServer}s, node ids 1..n in order (the router's convention). */
export class TestCluster {
  readonly nodes: readonly TestServer[];

  private constructor(nodes: readonly TestServer[]) {
    this.nodes = nodes;
  }

  /** `TestCluster.start(3)` or `TestCluster.start({ ports: [7000, 7001] })`. */
  static async start(sizeOrOptions: number | TestClusterOptions = 3): Promise<TestCluster> {
    const options = typeof sizeOrOptions === 'number' ? { size: sizeOrOptions } : sizeOrOptions;
    const { ports, size, ...serverOptions } = options;
    const portList = ports ?? Array.from({ length: size ?? 3 }, () => 0);
    const started: TestServer[] = [];
    try {
      for (const [i, port] of portList.entries()) {
        started.push(await TestServer.start({ ...serverOptions, port, nodeId: i + 1 }));
      }
    } catch (err) {
      await Promise.all(started.map((s) => s.stop()));
      throw err;
    }
    return new TestCluster(started);
  }

  /** `host:port` of every node, in node-id order. */
  get addresses(): string[] {
    return this.nodes.map((n) => n.address);
  }

  /** The node with this 1-based id. */
  node(nodeId: number): TestServer {
    const node = this.nodes[nodeId - 1];
    if (!node) throw new RangeError(`no node ${nodeId} in a cluster of ${this.nodes.length}`);
    return node;
  }

  /** Data requests per node, in node-id order. */
  get requestCounts(): number[] {
    return this.nodes.map((n) => n.requestCount);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}
