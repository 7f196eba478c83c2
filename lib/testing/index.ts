/** qdb-router/testing: test doubles and helpers, like rxjs/testing. */

export type { AdminTarget } from './admin-command.js';
export { adminCommand } from './admin-command.js';
export { advanceTo } from './advance-to.js';
export type { MarblesOptions } from './marbles.js';
export { marbles } from './marbles.js';
export type { MemoryConnectorOptions, MemoryReply } from './memory-connector.js';
export { MemoryConnection, memoryConnector } from './memory-connector.js';
export type { MemoryStreamOptions } from './memory-stream.js';
export { MemoryStream } from './memory-stream.js';
export type { ProcessNode } from './process-cluster.js';
export { cliEntry, ProcessCluster } from './process-cluster.js';
export type { TestClusterOptions } from './test-cluster.js';
export { TestCluster } from './test-cluster.js';
export type { DataHandler, ServerConnection, TestServerOptions } from './test-server.js';
export { TestServer } from './test-server.js';
