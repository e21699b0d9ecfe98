import type { Member } from '../store/rooms.js';
import type { ParleySocket } from '../types.js';

/** The connection's user as a room member. */
export const memberOf = (socket: ParleySocket): Member => ({ userId: socket.data.user.id, name: socket.data.user.name });
