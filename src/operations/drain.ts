import type { ParleyServer } from '../types.js';

/** Slots the drain window is cut into: one share of the clients leaves in each. */
const SLOTS = 10;

/** The part of an engine.io socket the drain uses. */
interface EngineSocket {
  close(): void;
}

/**
 * Tells this process's clients to go, spread over `windowMs`: the connections are
 * shuffled and closed a share at a time, each at a random moment of its slot. Closing the
 * transport (not `disconnect()`, after which a Socket.IO client would not come back) makes
 * each client reconnect, through the load balancer, to a node that is not draining, and
 * catch up from the store there; spreading them keeps that node from a thundering herd.
 * Resolves once every connection open at the start was closed (`windowMs` 0: at once).
 */
export async function drainClients(io: ParleyServer, windowMs: number, random: () => number = Math.random): Promise<number> {
  // engine.io keeps its connections in a plain object by id.
  const clients = Object.values((io.engine as unknown as { clients: Record<string, EngineSocket> }).clients);
  // Fisher–Yates: who leaves first is chance, not connection order.
  for (let i = clients.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [clients[i], clients[j]] = [clients[j] as EngineSocket, clients[i] as EngineSocket];
  }
  if (windowMs <= 0 || clients.length === 0) {
    for (const client of clients) client.close();
    return clients.length;
  }
  const slotMs = windowMs / SLOTS;
  await Promise.all(
    clients.map(
      (client, index) =>
        new Promise<void>((resolve) => {
          const slot = Math.floor((index * SLOTS) / clients.length);
          setTimeout(
            () => {
              client.close();
              resolve();
            },
            slot * slotMs + random() * slotMs,
          );
        }),
    ),
  );
  return clients.length;
}
