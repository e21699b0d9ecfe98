import type { ParleySocket } from '../types.js';

/**
 * The one place that relies on Socket.IO and engine.io internals, to write many events to
 * one WebSocket in a single socket write (catch-up sends thousands to each client).
 *
 * Relied on, as of socket.io 4.8.x, engine.io 6.6.x, ws 8.x (test/delivery/ws-frames.test.ts
 * fails if any of it changes):
 * - `socket.conn.write(data, { wsPreEncodedFrame })`: engine.io's WebSocket transport sends
 *   the given buffers with `ws`'s `Sender#sendFrame` instead of encoding `data`, when the
 *   connection has no per-message deflate (`_canSendPreEncodedFrame`). Socket.IO's own
 *   broadcast uses this to encode a packet once for many sockets. Here the buffer holds
 *   several complete WebSocket frames back to back, which the client reads as several
 *   messages.
 * - The packet goes through engine.io's write buffer like any other, so it keeps its place
 *   among the socket's other packets (the live stream after catch-up).
 */

/** An event as Socket.IO's encoder takes it (`PacketType.EVENT` is 2). */
interface EventPacket {
  readonly type: 2;
  readonly nsp: string;
  readonly data: readonly unknown[];
}

/** Socket.IO's packet encoder (`io.encoder`, from socket.io-parser). */
export interface PacketEncoder {
  encode(packet: EventPacket): unknown[];
}

interface WebSocketTransport {
  readonly name: string;
  readonly perMessageDeflate?: unknown;
  readonly socket?: { readonly _sender?: { readonly sendFrame?: unknown } };
}

/** True when `writeFrames` can be used on this socket now: a WebSocket without compression. */
export function canWriteFrames(socket: ParleySocket): boolean {
  const engine = socket.conn;
  if (engine.readyState !== 'open') return false;
  const transport = engine.transport as unknown as WebSocketTransport;
  return transport.name === 'websocket' && !transport.perMessageDeflate && typeof transport.socket?._sender?.sendFrame === 'function';
}

/**
 * One Socket.IO event as a complete, unmasked WebSocket text frame (RFC 6455, section 5.2)
 * holding the engine.io message `4` + the Socket.IO packet, byte for byte what
 * `socket.emit(...data)` puts on the wire. Undefined if the packet has binary parts (it
 * would span several frames).
 */
export function eventFrame(encoder: PacketEncoder, nsp: string, data: readonly unknown[]): Buffer | undefined {
  const encoded = encoder.encode({ type: 2, nsp, data });
  const [text] = encoded;
  if (encoded.length !== 1 || typeof text !== 'string') return undefined;
  const payload = Buffer.from(`4${text}`, 'utf8');
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN, text frame
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/**
 * Queues `frames` (complete WebSocket frames from `eventFrame`, back to back) on the
 * socket's engine.io connection as one write. Only call right after `canWriteFrames`
 * returned true; the transport of a WebSocket connection never changes afterwards.
 */
export function writeFrames(socket: ParleySocket, frames: Buffer): void {
  // `data` is what engine.io would send if it ignored the frames; canWriteFrames rules that out.
  const options = { wsPreEncodedFrame: [frames] };
  socket.conn.write('', options as unknown as { compress?: boolean });
}
