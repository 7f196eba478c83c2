/** qdb-router/testing: test doubles and helpers, like rxjs/testing. */

export type { AdminTarget } from './admin-command.js';
export { adminCommand } from './admin-command.js';
export { advanceTo } from './advance-to.js';
export type { FaultyReply } from './apply-fault.js';
export { applyFault } from './apply-fault.js';
export type { ExecutionCounterOptions } from './execution-counter.js';
export { ExecutionCounter, executionKey } from './execution-counter.js';
export type { ActiveFault, Fault, FaultTarget } from './fault.js';
export { FaultKind, faultKinds } from './fault.js';
export type { FaultStats } from './fault-stats.js';
export { allFeatures, Feature, featureNegotiation } from './feature-negotiation.js';
export type { MarblesOptions } from './marbles.js';
export { marbles } from './marbles.js';
export type { MemoryConnectorOptions } from './memory-connector.js';
export { MemoryConnection, memoryConnector } from './memory-connector.js';
export type { NetFaultOptions } from './net-fault.js';
export { NetFault } from './net-fault.js';
export type { ProcessNode } from './process-cluster.js';
export { cliEntry, ProcessCluster } from './process-cluster.js';
export { sendAdminCommand } from './send-admin-command.js';
export type { ServerConnection } from './server-connection.js';
export type { TestClusterOptions } from './test-cluster.js';
export { TestCluster } from './test-cluster.js';
export { TestServer } from './test-server.js';
export type { DataHandler, TestServerOptions } from './test-server-options.js';
export { validateFault } from './validate-fault.js';
