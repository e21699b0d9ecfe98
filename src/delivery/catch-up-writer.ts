import type { MessageEnvelope } from '../shared/events.js';
import type { ParleySocket } from '../types.js';
import type { Wire } from './delivery.js';
import { canWriteFrames, eventFrame, writeFrames, type PacketEncoder } from './ws-frames.js';

/** What a wire does not carry (`null`) or cannot pre-frame (`undefined`), cached like a frame. */
type CachedFrame = Buffer | null | undefined;

/**
 * Writes catch-up batches. Many clients catching up read the same stored messages, so each
 * message's WebSocket frame is encoded once per wire and shared (500 clients catching up
 * on 2,000 messages encode 2,000 frames, not 1,000,000), and a batch goes to a socket in
 * one write. Frames live as long as their envelope does: the feed's recent memory, or one
 * store read. Sockets that cannot take frames (HTTP long-polling) get one emit per message.
 */
export class CatchUpWriter {
  private readonly frames = new Map<Wire, WeakMap<MessageEnvelope, CachedFrame>>();

  constructor(private readonly encoder: PacketEncoder) {}

  /** Sends `socket` the messages of `batch` that `wire` carries to it, in order. */
  write(socket: ParleySocket, wire: Wire, batch: readonly MessageEnvelope[]): void {
    if (!socket.connected) return;
    // Frames are encoded for the main namespace, the only one Parley serves.
    if (socket.nsp.name !== '/' || !canWriteFrames(socket)) {
      for (const message of batch) emitLocally(socket, wire, message);
      return;
    }
    const run: Buffer[] = [];
    for (const message of batch) {
      if (!wire.sendsTo(socket, message)) continue;
      const frame = this.frameOf(wire, message);
      if (frame === null) continue;
      if (frame) {
        run.push(frame);
        continue;
      }
      // Cannot be pre-framed: send what came before it, then this one the ordinary way.
      if (run.length > 0) writeFrames(socket, Buffer.concat(run.splice(0)));
      emitLocally(socket, wire, message);
    }
    if (run.length > 0) writeFrames(socket, run.length === 1 && run[0] ? run[0] : Buffer.concat(run));
  }

  private frameOf(wire: Wire, message: MessageEnvelope): CachedFrame {
    let cache = this.frames.get(wire);
    if (!cache) {
      cache = new WeakMap();
      this.frames.set(wire, cache);
    }
    if (cache.has(message)) return cache.get(message);
    const event = wire.event(message);
    const frame = event ? eventFrame(this.encoder, '/', event) : null;
    cache.set(message, frame);
    return frame;
  }
}

/**
 * Emits `message` to `socket` the ordinary way, if `wire` carries it there. Local on
 * purpose: with connection state recovery on, socket.emit is a broadcast that the cluster
 * adapter would first forward to every other worker through the primary.
 */
function emitLocally(socket: ParleySocket, wire: Wire, message: MessageEnvelope): void {
  if (!wire.sendsTo(socket, message)) return;
  const event = wire.event(message);
  if (!event) return;
  // `wire.event` names one of the server's events with its arguments (see the wires).
  const target = socket.nsp.local.to(socket.id);
  (target.emit as (...eventAndArgs: unknown[]) => boolean).call(target, ...event);
}
