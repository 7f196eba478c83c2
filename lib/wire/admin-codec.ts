import { ErrorCode, RouterError } from '../errors.js';
import type { AdminRequest, AdminResponse, ClusterNodeInfo } from './admin-types.js';
import { nodeRoles, nodeStatuses } from './admin-types.js';
import { BincodeReader } from './bincode-reader.js';
import { BincodeWriter } from './bincode-writer.js';

const requestVariants = ['Admin'] as const;
const responseVariants = ['Admin', 'Error'] as const;
const adminRequestVariants = [
  'ListNodes',
  'GetNodeHealth',
  'AddNode',
  'RemoveNode',
  'RebalancePartitions',
  'GetClusterMetrics',
  'CreateUser',
  'ListUsers',
  'UpdateUser',
  'DeleteUser',
  'GrantPermission',
  'RevokePermission',
] as const;
const adminResponseVariants = [
  'NodeList',
  'NodeHealth',
  'NodeAdded',
  'NodeRemoved',
  'PartitionsRebalanced',
  'ClusterMetrics',
  'UserCreated',
  'UserList',
  'UserUpdated',
  'UserDeleted',
  'PermissionGranted',
  'PermissionRevoked',
] as const;
/** Smallest bincode size of one ClusterNodeInfo: id 8, empty hostname 8, port 2, status 4, role 4. */
const minNodeInfoBytes = 26;

/**
 * The reference client's admin payloads in bincode 1.x, byte for byte: `Request::Admin(AdminRequest)` (sent in
 * a **Data** message, as its `AdminClient` does) and `Response::Admin(AdminResponse)` / `Response::Error(String)`.
 * Golden vectors: `spec/unit/wire/admin-list-nodes.jsonl`. Decoding never trusts a length (checked against the
 * bytes left before anything is allocated), rejects trailing bytes, and fails with a typed `RouterError`
 * (`ERR_WIRE_TRUNCATED`, `ERR_WIRE_TRAILING_BYTES`, `ERR_WIRE_BINCODE`), never a crash. Variants whose fields
 * this router does not model (CreateUser, NodeHealth, ClusterMetrics, UserList …) are `ERR_WIRE_BINCODE`.
 */
export const adminCodec = {
  encodeRequest(request: AdminRequest): Uint8Array {
    const w = new BincodeWriter();
    w.u32(0, 'Request'); // Request::Admin
    w.u32(adminRequestVariants.indexOf(request.kind), 'AdminRequest');
    if (request.kind === 'GetNodeHealth' || request.kind === 'RemoveNode') w.u64(request.nodeId, 'node_id');
    else if (request.kind === 'DeleteUser') w.u64(request.userId, 'user_id');
    else if (request.kind === 'AddNode') w.string(request.host).u16(request.port, 'port');
    return w.finish();
  },

  decodeRequest(bytes: Uint8Array): AdminRequest {
    const r = new BincodeReader(bytes);
    r.variant('Request', requestVariants);
    const kind = r.variant('AdminRequest', adminRequestVariants);
    let request: AdminRequest;
    switch (kind) {
      case 'GetNodeHealth':
      case 'RemoveNode':
        request = { kind, nodeId: r.u64('node_id') };
        break;
      case 'DeleteUser':
        request = { kind, userId: r.u64('user_id') };
        break;
      case 'AddNode':
        request = { kind, host: r.string('host'), port: r.u16('port') };
        break;
      case 'ListNodes':
      case 'RebalancePartitions':
      case 'GetClusterMetrics':
      case 'ListUsers':
        request = { kind };
        break;
      default:
        throw unsupported('AdminRequest', kind);
    }
    r.end('Request');
    return request;
  },

  encodeResponse(response: AdminResponse): Uint8Array {
    const w = new BincodeWriter();
    if (response.kind === 'Error') return w.u32(1, 'Response').string(response.message).finish();
    w.u32(0, 'Response'); // Response::Admin
    w.u32(adminResponseVariants.indexOf(response.kind), 'AdminResponse');
    if (response.kind === 'NodeList') {
      w.u64(response.nodes.length, 'NodeList length');
      for (const n of response.nodes) {
        w.u64(n.nodeId, 'node_id').string(n.hostname).u16(n.port, 'port');
        w.u32(nodeStatuses.indexOf(n.status), 'status').u32(nodeRoles.indexOf(n.role), 'role');
      }
    } else if (response.kind === 'NodeAdded') w.u64(response.nodeId, 'node_id');
    else if (response.kind === 'UserCreated') w.u64(response.userId, 'user_id');
    return w.finish();
  },

  decodeResponse(bytes: Uint8Array): AdminResponse {
    const r = new BincodeReader(bytes);
    let response: AdminResponse;
    if (r.variant('Response', responseVariants) === 'Error')
      response = { kind: 'Error', message: r.string('Error') };
    else {
      const kind = r.variant('AdminResponse', adminResponseVariants);
      switch (kind) {
        case 'NodeList': {
          const count = r.length('NodeList', minNodeInfoBytes);
          const nodes: ClusterNodeInfo[] = [];
          for (let i = 0; i < count; i++) nodes.push(nodeInfo(r, `NodeList[${i}]`));
          response = { kind, nodes };
          break;
        }
        case 'NodeAdded':
          response = { kind, nodeId: r.u64('node_id') };
          break;
        case 'UserCreated':
          response = { kind, userId: r.u64('user_id') };
          break;
        case 'NodeRemoved':
        case 'PartitionsRebalanced':
        case 'UserUpdated':
        case 'UserDeleted':
        case 'PermissionGranted':
        case 'PermissionRevoked':
          response = { kind };
          break;
        default:
          throw unsupported('AdminResponse', kind);
      }
    }
    r.end('Response');
    return response;
  },
};

function nodeInfo(r: BincodeReader, what: string): ClusterNodeInfo {
  return {
    nodeId: r.u64(`${what}.node_id`),
    hostname: r.string(`${what}.hostname`),
    port: r.u16(`${what}.port`),
    status: r.variant(`${what}.status`, nodeStatuses),
    role: r.variant(`${what}.role`, nodeRoles),
  };
}

function unsupported(what: string, kind: string): RouterError {
  return new RouterError(ErrorCode.WireBincode, `${what}::${kind} is not supported by this router`);
}
