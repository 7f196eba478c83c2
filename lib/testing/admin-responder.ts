import { adminCodec } from '../wire/admin-codec.js';
import type { AdminRequest, AdminResponse, ClusterNodeInfo } from '../wire/admin-types.js';
import { type Message, MessageType } from '../wire/message.js';

/**
 * A TestServer's answers to the reference client's bincode admin requests (`Request::Admin(AdminRequest)`), as
 * its `AdminClient` sends them: in a **Data** message — answered only when the server has a member list
 * (`listNodes`, which a `TestCluster` gives each of its nodes), so that plain Data payloads are never mistaken
 * for admin requests — or in an **Admin** message whose payload is bincode (JSON admin commands start with `{`).
 * `ListNodes` gets `Response::Admin(AdminResponse::NodeList(..))` with the current members (the server alone when
 * it has no list); every other admin request gets `Response::Error(String)`.
 */
export class AdminResponder {
  private readonly members: (() => readonly ClusterNodeInfo[]) | undefined;
  private readonly self: () => { readonly nodeId: number; readonly host: string; readonly port: number };
  /** ListNodes requests answered. */
  listNodesCount = 0;

  constructor(
    members: (() => readonly ClusterNodeInfo[]) | undefined,
    self: () => { readonly nodeId: number; readonly host: string; readonly port: number },
  ) {
    this.members = members;
    this.self = self;
  }

  /** The bincode `Response` payload for `request`, or undefined when it is not a bincode admin request. */
  answer(request: Message): Uint8Array | undefined {
    const bincodeAdmin = request.type === MessageType.Admin && request.payload[0] === 0;
    if (!bincodeAdmin && !(request.type === MessageType.Data && this.members)) return undefined;
    let decoded: AdminRequest;
    try {
      decoded = adminCodec.decodeRequest(request.payload);
    } catch (err) {
      if (!bincodeAdmin) return undefined; // a plain Data payload
      return adminCodec.encodeResponse({ kind: 'Error', message: (err as Error).message });
    }
    return adminCodec.encodeResponse(this.respond(decoded));
  }

  private respond(request: AdminRequest): AdminResponse {
    if (request.kind !== 'ListNodes')
      return { kind: 'Error', message: `AdminRequest::${request.kind} is not supported by the test server` };
    this.listNodesCount++;
    const { nodeId, host, port } = this.self();
    const alone: ClusterNodeInfo = { nodeId, hostname: host, port, status: 'Healthy', role: 'Primary' };
    return { kind: 'NodeList', nodes: this.members ? this.members() : [alone] };
  }
}
