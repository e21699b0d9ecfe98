import type { ChatSocket } from '../../helpers/clients.js';
import { pace } from '../../helpers/waits.js';

/** A message the server acknowledged as stored. */
export interface Acknowledged {
  readonly text: string;
  readonly serverOffset: number;
}

/**
 * Sends `chat message` events one after another (each waits for its acknowledgement) until
 * `stop()` says so or `limit` were sent, pausing `pauseMs` between them. Resolves with the
 * acknowledged ones, in the order they were sent.
 */
export async function chatUntil(
  client: ChatSocket,
  textPrefix: string,
  stop: () => boolean,
  options: { readonly limit: number; readonly pauseMs: number },
): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  for (let n = 0; n < options.limit && !stop(); n++) {
    const text = `${textPrefix}-${n}`;
    const ack = await client.emitWithAck('chat message', text, `${client.id}-${n}`);
    if (ack.ok) acknowledged.push({ text, serverOffset: ack.data.serverOffset });
    await pace(options.pauseMs, 'the next chat message');
  }
  return acknowledged;
}
