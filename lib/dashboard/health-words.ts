/** A node's status and why, in words a person reads on the dashboard and in `watch`. Browser-safe. */
export function healthWords(status: string, reason: string, failures: number, manual: boolean): string {
  if (manual) return 'held out by hand (markNodeUnhealthy)';
  const failed = failures > 0 ? ` (${failures} in a row)` : '';
  switch (`${status}/${reason}`) {
    case 'joining/initial':
      return 'joining: no connection or heartbeat answered yet; gets no requests until one does';
    case 'draining/membership':
      return 'removed from the cluster: finishing the requests it has, then leaving';
    case 'unusable/auth':
      return 'rejected the credentials: gets no requests until the credentials change';
    case 'up/initial':
      return 'up since the router started';
    case 'up/connect':
      return 'connected; no heartbeat has failed';
    case 'up/probe':
      return 'answers heartbeat pings';
    case 'up/passive':
      return 'answers requests';
    case 'suspect/probe':
      return `a heartbeat ping went unanswered${failed}; still used`;
    case 'suspect/passive':
      return `requests to it failed${failed}; still used`;
    case 'down/probe':
      return `heartbeat pings go unanswered${failed}`;
    case 'down/passive':
      return `requests to it failed or its connection broke${failed}`;
    case 'down/connect':
      return `could not connect${failed}`;
    case 'probation/probe':
      return 'answers pings again; back in once enough do in a row';
    case 'probation/passive':
      return 'answers again; back in once enough do in a row';
    default:
      return `${status} (${reason})`;
  }
}
