import type { NodeId } from '../types.js';

/** One broken connection (or several of one node at once): the requests that were on it decide its fate. */
export interface BreakIncident {
  readonly nodeId: NodeId;
  /** Requests that broke on it and have not ended yet. */
  open: number;
  /** A request on it turned out to be poison: it says nothing of the node. */
  poisoned: boolean;
  /** The pool's `connectionClosed` event came: every request on it has reported. */
  sealed: boolean;
  counted: boolean;
}

/** What an incident needs of a request that broke on it (the request carries it: `RouterRequest`). */
export interface BreakingRequest {
  /** Nodes on which this request's connection broke, one after the other. */
  hardFailures: number;
  /** Its incidents not resolved yet (owned by {@link BreakIncidents}). */
  breaks?: BreakIncident[] | undefined;
}

/**
 * The poison rule, applied BEFORE a broken connection costs its node health: a break is held until it is known
 * whether a request on that connection is poison (one that breaks connections on `poisonAfter` nodes in a row).
 * An incident — a node's connection breaking under one or more requests — is counted against the node once, when
 * (a) the pool has reported the close (every request on the connection has failed by then) and (b) every request
 * that broke on it has ended; it is never counted when one of them turned out to be poison. So six poison
 * requests over three nodes cost the nodes nothing, while a node that really reset a connection is counted as soon
 * as the requests on it have been retried elsewhere (or failed). A break with no request to wait for (a hedge copy
 * that lost its race) waits only for the close. An idle connection that breaks counts at once (`closed` with no
 * incident open).
 */
export class BreakIncidents {
  /** The incident of each node still collecting request failures (until the pool's close event). */
  private readonly collecting = new Map<NodeId, BreakIncident>();

  /** @param count counts one incident against its node. */
  constructor(
    private readonly count: (id: NodeId) => void,
    private readonly poisonAfter: number,
  ) {}

  /** A request's connection to node `id` broke (`request` undefined: it counts against no request). */
  broke(id: NodeId, request: BreakingRequest | undefined): void {
    let incident = this.collecting.get(id);
    if (!incident) {
      incident = { nodeId: id, open: 0, poisoned: false, sealed: false, counted: false };
      this.collecting.set(id, incident);
    }
    if (!request) return;
    request.hardFailures++;
    if (request.hardFailures >= this.poisonAfter) {
      // this request is a poison suspect: this break and its earlier ones say nothing of their nodes
      incident.poisoned = true;
      for (const earlier of request.breaks ?? []) earlier.poisoned = true;
      return;
    }
    incident.open++;
    (request.breaks ??= []).push(incident);
  }

  /** A request ended (succeeded, failed, or was cancelled): its incidents may be decided now. */
  ended(request: BreakingRequest): void {
    const breaks = request.breaks;
    if (!breaks) return;
    request.breaks = undefined;
    const poison = request.hardFailures >= this.poisonAfter;
    for (const incident of breaks) {
      if (poison) incident.poisoned = true;
      incident.open--;
      this.decide(incident);
    }
  }

  /**
   * The pool reported a connection of node `id` closed as broken (`lost`, `corrupt`). With an incident
   * collecting, this seals it; otherwise an idle connection broke: counted at once — unless it was leased
   * (`ignore`: a leased connection's end is its holder's, never evidence).
   */
  closed(id: NodeId, ignore = false): void {
    const incident = this.collecting.get(id);
    if (!incident) {
      if (!ignore) this.count(id);
      return;
    }
    this.collecting.delete(id);
    incident.sealed = true;
    if (ignore) incident.poisoned = true;
    this.decide(incident);
  }

  private decide(incident: BreakIncident): void {
    if (!incident.sealed || incident.open > 0 || incident.counted || incident.poisoned) return;
    incident.counted = true;
    this.count(incident.nodeId);
  }
}
