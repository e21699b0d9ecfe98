// Placeholder client; the full page is web/app.ts's job (see issue 2, part 7).
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/shared/events.js';

declare const io: (options: object) => Socket<ServerToClientEvents, ClientToServerEvents>;

const socket = io({ auth: { serverOffset: 0 }, ackTimeout: 10000, retries: 3 });
const list = document.getElementById('messages') as HTMLUListElement;
socket.on('chat message', (text, serverOffset) => {
  const item = document.createElement('li');
  item.textContent = text;
  list.append(item);
  (socket.auth as { serverOffset: number }).serverOffset = serverOffset;
});
