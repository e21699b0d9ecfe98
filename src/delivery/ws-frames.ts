import type { ParleySocket } from '../types.js';

/**
 * The one place that relies on Socket.IO and engine.io internals, to write many events to
 * one WebSocket in a single socket write (catch-up sends thousands to each client; the
 * live stream sends all the messages of one event-loop turn together).
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

/** One event encoded once, for any number of sockets of the main namespace. */
export interface EncodedEvent {
  /** The Socket.IO packet as engine.io sends it in a `message` packet, on any transport. */
  readonly packet: string;
  /** The same as a complete, unmasked WebSocket text frame: `4` + packet. */
  readonly frame: Buffer;
}

/**
 * Encodes one Socket.IO event, byte for byte what `socket.emit(...data)` puts on the wire
 * (with no connection-state-recovery offset appended). Undefined if the packet has binary
 * parts (it would span several engine.io packets).
 */
export function encodeEvent(encoder: PacketEncoder, nsp: string, data: readonly unknown[]): EncodedEvent | undefined {
  const encoded = encoder.encode({ type: 2, nsp, data });
  const [packet] = encoded;
  if (encoded.length !== 1 || typeof packet !== 'string') return undefined;
  return { packet, frame: textFrame(Buffer.from(`4${packet}`, 'utf8')) };
}

/** A complete, unmasked WebSocket text frame around `payload` (RFC 6455, section 5.2). */
function textFrame(payload: Buffer): Buffer {
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

/** The frames of `events` back to back, as one buffer for `writeFrames`. */
export function joinFrames(events: readonly EncodedEvent[]): Buffer {
  const [only] = events;
  return events.length === 1 && only ? only.frame : Buffer.concat(events.map((event) => event.frame));
}

/**
 * Writes `events` to `socket`, in order, after whatever engine.io holds for it already:
 * over a WebSocket as one write (`frames`, if given, must be `joinFrames(events)`, shared
 * by the caller among many sockets), otherwise one engine.io message each. Nothing goes
 * through the Socket.IO adapter, so nothing is kept for connection state recovery: the
 * store is what a reconnecting client catches up from. Returns the bytes written (each
 * event's frame size, a few bytes above its packet's; no count of characters needed).
 */
export function writeEvents(socket: ParleySocket, events: readonly EncodedEvent[], frames?: Buffer): number {
  if (events.length === 0) return 0;
  if (canWriteFrames(socket)) {
    const joined = frames ?? joinFrames(events);
    writeFrames(socket, joined);
    return joined.length;
  }
  let bytes = 0;
  for (const event of events) {
    socket.conn.write(event.packet);
    bytes += event.frame.length;
  }
  return bytes;
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
