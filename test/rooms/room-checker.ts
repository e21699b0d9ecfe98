import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RoomEvent, SentMessage } from '../../src/shared/events.js';
import { eventually } from '../helpers/clients.js';
import type { Tab } from './room-client.js';
import { quietFor } from '../helpers/waits.js';

/** One message:send as the checker recorded it. */
interface Send {
  readonly roomId: number;
  readonly clientId: string;
  readonly text: string;
  ack?: SentMessage;
  /** The socket the acknowledgement arrived on: the one that stored it, if not a duplicate. */
  ackSocket?: string;
  error?: string;
}

/**
 * Records the sends of many room-protocol tabs and checks, per tab and per room it follows
 * from offset 0, what exactly-once delivery promises in the room protocol:
 * - every acknowledged message is in the room's history exactly once;
 * - the tab's `room:event`s come in strictly increasing offset order: nothing twice, none
 *   out of order, across its reconnects;
 * - those events plus its own acknowledged sends cover the whole history: nothing lost;
 * - no event comes back to the connection that stored it (no echo).
 */
export class RoomChecker {
  private readonly sends = new Map<Tab, Send[]>();

  /** Sends one message from `tab` to `roomId`; resolves when acknowledged or given up. */
  async send(tab: Tab, roomId: number): Promise<void> {
    const record: Send = { roomId, clientId: randomUUID(), text: `${randomUUID().slice(0, 8)}` };
    const list = this.sends.get(tab) ?? [];
    list.push(record);
    this.sends.set(tab, list);
    try {
      const ack = await tab.call('message:send', { roomId, text: record.text, clientId: record.clientId });
      if (ack.ok) {
        record.ack = ack.data;
        record.ackSocket = tab.socket.id;
        tab.rooms[String(roomId)] = Math.max(tab.rooms[String(roomId)] ?? 0, ack.data.serverOffset);
      } else {
        record.error = `${ack.error}: ${ack.message}`;
      }
    } catch (error) {
      record.error = String(error);
    }
  }

  /** The failures of sends that were answered with an error or given up. */
  refused(): string[] {
    return [...this.sends.values()].flat().flatMap((send) => (send.error === undefined ? [] : [send.error]));
  }

  acknowledged(): Send[] {
    return [...this.sends.values()].flat().filter((send) => send.ack !== undefined);
  }

  /**
   * Checks the properties above for `tabs` in `rooms` against `histories` (each room's
   * full history, read after the traffic), waiting up to `settleMs` for deliveries.
   */
  async verify(tabs: readonly Tab[], rooms: ReadonlyMap<number, readonly Tab[]>, histories: ReadonlyMap<number, RoomEvent[]>, settleMs = 20_000): Promise<void> {
    for (const [roomId, history] of histories) {
      assert.deepEqual(
        history.map((event) => event.offset),
        history.map((_, index) => index + 1),
        `room ${roomId}: history offsets are 1..N`,
      );
      const byClientId = new Map<string, number>();
      for (const event of history) if (event.clientId) byClientId.set(event.clientId, (byClientId.get(event.clientId) ?? 0) + 1);
      for (const send of this.acknowledged().filter((each) => each.roomId === roomId)) {
        assert.equal(byClientId.get(send.clientId), 1, `room ${roomId}: acknowledged ${send.clientId} stored exactly once`);
        assert.equal(history[(send.ack?.serverOffset ?? 0) - 1]?.clientId, send.clientId, 'the ack names its offset');
      }
    }
    const covered = (tab: Tab, roomId: number): Set<number> =>
      new Set([
        ...tab.eventsOf(roomId).map((event) => event.offset),
        ...(this.sends.get(tab) ?? []).filter((send) => send.roomId === roomId && send.ack).map((send) => send.ack?.serverOffset ?? 0),
      ]);
    await eventually(
      () => [...rooms].every(([roomId, followers]) => followers.every((tab) => covered(tab, roomId).size >= (histories.get(roomId)?.length ?? 0))),
      'every tab has every event of its rooms',
      settleMs,
    ).catch((error: unknown) => {
      const missing = [...rooms].flatMap(([roomId, followers]) =>
        followers.flatMap((tab) => {
          const have = covered(tab, roomId);
          const lacking = (histories.get(roomId) ?? []).map((event) => event.offset).filter((offset) => !have.has(offset));
          return lacking.length > 0 ? [`tab ${tabs.indexOf(tab)} room ${roomId} lacks ${lacking.slice(0, 10).join(',')}`] : [];
        }),
      );
      throw new Error(`${String(error)}: ${missing.join('; ')}`);
    });
    await quietFor(300, 'a late duplicate');
    for (const [roomId, followers] of rooms) {
      const head = histories.get(roomId)?.length ?? 0;
      for (const tab of followers) {
        const name = `tab ${tabs.indexOf(tab)} in room ${roomId}`;
        const offsets = tab.eventsOf(roomId).map((event) => event.offset);
        offsets.forEach((offset, index) => {
          if (index > 0) assert.ok(offset > (offsets[index - 1] ?? 0), `${name}: ${offset} after ${offsets[index - 1]}: in order, never twice`);
        });
        assert.deepEqual([...covered(tab, roomId)].sort((a, b) => a - b), Array.from({ length: head }, (_, i) => i + 1), `${name}: nothing lost`);
        for (const send of this.sends.get(tab) ?? []) {
          if (send.roomId !== roomId || !send.ack || send.ack.duplicate) continue;
          const echoed = tab.events.some((event, index) => event.clientId === send.clientId && tab.eventSockets[index] === send.ackSocket);
          assert.ok(!echoed, `${name}: ${send.clientId} echoed to the connection that sent it`);
        }
      }
    }
  }
}

/** A room's whole history, oldest first, read page by page with history:before. */
export async function readRoom(reader: Tab, roomId: number): Promise<RoomEvent[]> {
  const pages: RoomEvent[][] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await reader.must('history:before', before === undefined ? { roomId, limit: 200 } : { roomId, before, limit: 200 });
    if (page.length === 0) break;
    pages.unshift(page);
    before = page[0]?.offset;
    if (before === 1) break;
  }
  return pages.flat();
}
