/**
 * The admin protocol's values, as the reference client (`q-distributed-database-client`, `protocol.rs` /
 * `types.rs`) defines them; `adminCodec` reads and writes their bincode. Variant names are the Rust ones.
 * A u64 (`nodeId`, `userId`) is a number below 2^53, else a bigint.
 */

/** `NodeStatus` (variant index = position). */
export const nodeStatuses = ['Healthy', 'Degraded', 'Unhealthy', 'Offline'] as const;
export type ClusterNodeStatus = (typeof nodeStatuses)[number];

/** `NodeRole` (variant index = position). */
export const nodeRoles = ['Primary', 'Replica', 'Coordinator'] as const;
export type ClusterNodeRole = (typeof nodeRoles)[number];

/** `ClusterNodeInfo`: one member in a `NodeList`. */
export interface ClusterNodeInfo {
  readonly nodeId: number | bigint;
  readonly hostname: string;
  readonly port: number;
  readonly status: ClusterNodeStatus;
  readonly role: ClusterNodeRole;
}

/** `Request::Admin(AdminRequest)`: the variants this router reads and writes. */
export type AdminRequest =
  | { readonly kind: 'ListNodes' }
  | { readonly kind: 'GetNodeHealth'; readonly nodeId: number | bigint }
  | { readonly kind: 'AddNode'; readonly host: string; readonly port: number }
  | { readonly kind: 'RemoveNode'; readonly nodeId: number | bigint }
  | { readonly kind: 'RebalancePartitions' | 'GetClusterMetrics' | 'ListUsers' }
  | { readonly kind: 'DeleteUser'; readonly userId: number | bigint };

/** `Response::Admin(AdminResponse)` (the variants this router reads and writes) or `Response::Error(String)`. */
export type AdminResponse =
  | { readonly kind: 'NodeList'; readonly nodes: readonly ClusterNodeInfo[] }
  | { readonly kind: 'NodeAdded'; readonly nodeId: number | bigint }
  | { readonly kind: 'UserCreated'; readonly userId: number | bigint }
  | {
      readonly kind:
        | 'NodeRemoved'
        | 'PartitionsRebalanced'
        | 'UserUpdated'
        | 'UserDeleted'
        | 'PermissionGranted'
        | 'PermissionRevoked';
    }
  | { readonly kind: 'Error'; readonly message: string };
