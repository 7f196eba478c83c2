/** What an error code says about a node, in words ("refuses connections"); the code itself when unknown. Browser-safe. */
export function codeWords(code: string): string {
  switch (code) {
    case 'ERR_CONNECT_REFUSED':
      return 'refuses connections (nothing listens on its port)';
    case 'ERR_CONNECT_TIMEOUT':
      return 'connect attempts time out';
    case 'ERR_CONNECT_FAILED':
      return 'connect attempts fail';
    case 'ERR_CONNECTION_LOST':
    case 'ERR_CONNECTION_CLOSED':
    case 'ERR_WS_CLOSED':
      return 'its connection broke';
    case 'ERR_REQUEST_TIMEOUT':
      return 'no answer in time';
    case 'ERR_AUTH_FAILED':
      return 'rejected our credentials';
    case 'ERR_TLS':
      return 'the TLS handshake failed';
    case 'ERR_REMOTE':
      return 'answered with an error';
    case 'ERR_ACQUIRE_TIMEOUT':
      return 'no free connection in time';
    default:
      return code;
  }
}
