import type net from 'node:net';
import type { FrameDecoder } from '../wire/frame-decoder.js';
import type { AuthGate } from './auth-gate.js';
import type { FrameFlags } from './frame-flags.js';
import type { ReplyWriter } from './reply-writer.js';

/** One accepted connection, as the server saw it. */
export interface ServerConnection {
  readonly id: number;
  readonly open: boolean;
  /** Data requests received on it. */
  readonly requests: number;
}

/** @internal The server's state of one connection. */
export interface ConnectionState {
  id: number;
  socket: net.Socket;
  open: boolean;
  requests: number;
  decoder: FrameDecoder;
  writer: ReplyWriter;
  /** Counts the compressed frames received. */
  flags: FrameFlags;
  /** Stopped reading by a `never-read` fault. */
  neverRead: boolean;
  /** With the server's `auth`: this connection's authentication. */
  auth: AuthGate | undefined;
}
