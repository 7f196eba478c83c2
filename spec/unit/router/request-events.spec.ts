import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { requestEvents } from '../../../lib/router/request-events.js';
import type { RequestParts } from '../../../lib/router/request-parts.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { MessageType } from '../../../lib/wire/message.js';

describe('requestEvents', () => {
  it('builds each event of a request from its facts; requestFailed says poison after two broken nodes', () => {
    const events = new Subject<RouterEvent>();
    const seen: RouterEvent[] = [];
    events.subscribe((e) => seen.push(e));
    let now = 100;
    const parts = { events, config: { scheduler: { now: () => now } } } as unknown as RequestParts;
    const r = {
      id: 7,
      started: 100,
      type: MessageType.Data,
      idempotent: true,
      timeoutMs: 1000,
      attempts: 2,
      lastNode: 3,
      hardFailures: 2,
    };
    requestEvents.started(parts, r);
    requestEvents.attempt(parts, r, 3, 100, 2);
    now = 150;
    requestEvents.failed(parts, r, new RouterError(ErrorCode.ConnectionLost, 'lost'));
    expect(seen).toEqual([
      { type: 'requestStarted', at: 100, requestId: 7, messageType: 2, idempotent: true, timeoutMs: 1000 },
      { type: 'attemptStarted', at: 100, requestId: 7, nodeId: 3, attempt: 2 },
      { type: 'hedgeSent', at: 100, requestId: 7, nodeId: 3, attempt: 2 },
      {
        type: 'requestFailed',
        at: 150,
        requestId: 7,
        nodeId: 3,
        code: 'ERR_CONNECTION_LOST',
        durationMs: 50,
        attempts: 2,
        poison: true,
      },
    ]);
  });
});
