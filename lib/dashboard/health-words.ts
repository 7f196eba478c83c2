import { codeWords } from './code-words.js';

/**
 * A node's status and why, in words a person reads on the dashboard and in `watch`. `lastError` (the latest
 * error code seen for the node) names what is wrong now: a killed node whose connection broke and that now
 * refuses connections reads "refuses connections", not "its connection broke". Browser-safe.
 */
export function healthWords(
  status: string,
  reason: string,
  failures: number,
  manual: boolean,
  lastError: string | null = null,
): string {
  if (manual) return 'taken out by hand (markNodeUnhealthy); back with markNodeHealthy';
  const failed = failures > 0 ? ` (${failures} in a row)` : '';
  const now = lastError ? codeWords(lastError) : null;
  switch (`${status}/${reason}`) {
    case 'unknown/initial':
    case 'joining/initial':
      return 'not contacted yet: no picks until it answers';
    case 'joining/membership':
      return 'added to the cluster; no picks until it answers';
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
      return `requests to it failed${failed}${now ? `: ${now}` : ''}; still used`;
    case 'down/probe':
      return now && now !== 'no answer in time'
        ? `${now}${failed}`
        : `heartbeat pings go unanswered${failed}`;
    case 'down/passive':
      return now ? `${now}${failed}` : `requests to it failed${failed}`;
    case 'down/connect':
      return now ? `${now}${failed}` : `could not connect${failed}`;
    case 'probation/probe':
      return 'answers pings again; back in once enough do in a row';
    case 'probation/passive':
      return 'answers again; back in once enough do in a row';
    case 'draining/membership':
      return 'removed from the cluster: finishing its requests, no new picks';
    case 'unusable/auth':
      return 'rejected our credentials: not used until they change';
    default:
      return `${status} (${reason})${now ? `; last error: ${now}` : ''}`;
  }
}
