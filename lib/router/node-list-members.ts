import { parseHost } from '../parse-host.js';
import { rankAddresses } from '../transport/rank-addresses.js';
import type { Protocol } from '../types.js';
import type { ClusterNodeInfo } from '../wire/admin-types.js';
import type { WantedNode } from './member.js';

const maxU64 = 0xffff_ffff_ffff_ffffn;
const hostnamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const ipv6Pattern = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * A `NodeList` from a server as the nodes to follow, or the first reason it cannot be trusted (then the whole
 * update is refused: applying part of a list would remove the nodes whose entries were bad). Every field is
 * checked — `node_id` 1..2^64−1, `hostname` a DNS name or an IP literal (≤ 253 characters, no scheme, port,
 * path or whitespace), `port` 1..65535 — and only ever used as a value (in `Map`s), never as an object key.
 * Addresses use `protocol`, the protocol of the node that answered (a TLS cluster lists TLS nodes). `status`
 * and `role` are not used: whether a node is fit for requests is the router's own health checks' call.
 */
export function nodeListMembers(
  nodes: readonly ClusterNodeInfo[],
  protocol: Protocol,
): WantedNode[] | string {
  const wanted: WantedNode[] = [];
  for (const [i, n] of nodes.entries()) {
    const at = `NodeList[${i}]`;
    const id = typeof n.nodeId === 'bigint' ? n.nodeId : BigInt(n.nodeId);
    if (id < 1n || id > maxU64)
      return `${at}.node_id ${String(n.nodeId)} is out of range: expected 1..2^64-1`;
    if (!Number.isInteger(n.port) || n.port < 1 || n.port > 65535)
      return `${at}.port ${n.port} is out of range: expected 1..65535`;
    const ipv6 = n.hostname.includes(':');
    if (!(ipv6 ? ipv6Pattern : hostnamePattern).test(n.hostname))
      return `${at}.hostname ${quote(n.hostname)} is not a host name or IP address`;
    const hostPart = ipv6 ? `[${n.hostname}]` : n.hostname;
    let address: ReturnType<typeof parseHost>;
    try {
      address = parseHost(`${protocol}://${hostPart}:${n.port}`, 0, at, (field, value, expected) => {
        return new Error(`${field} ${quote(String(value))}: expected ${expected}`);
      });
    } catch (err) {
      return (err as Error).message;
    }
    const ranked = rankAddresses([address]);
    if (ranked.length === 0) return `${at}: protocol ${protocol} is not supported by this runtime`;
    wanted.push({ address: { ...ranked[0]!, alternatives: ranked }, serverId: n.nodeId });
  }
  return wanted;
}

/** A server string for a message: JSON-quoted (control characters escaped) and cut at 80 characters. */
function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
