/**
 * Says what a peer that is not a qdb node sent first: `'an HTTP server (HTTP/1.1 400 Bad Request)'`,
 * `'an SSH server (SSH-2.0-OpenSSH_9.2)'`, or the first bytes in hex. Used when its bytes are no qdb frame.
 */
export function describePeer(first: Uint8Array): string {
  const text = new TextDecoder('latin1').decode(first.subarray(0, 64));
  const line = text.split(/\r?\n/)[0]!.replace(/[^\x20-\x7e]/g, '.');
  if (/^HTTP\/\d/.test(text)) return `an HTTP server ("${line}")`;
  if (text.startsWith('SSH-')) return `an SSH server ("${line}")`;
  if (/^(220|\+OK|\* OK)/.test(text)) return `a text-protocol server ("${line}")`;
  if (first.length === 0) return 'a server that closed the connection without a word';
  const hex = [...first.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `a server that sent bytes that are no qdb frame (${hex}${first.length > 16 ? ' …' : ''})`;
}
