import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { retentionRuleSchema } from '../../shared/protocol/retention.js';
import { defineEvent } from '../kit.js';

/**
 * `mod:retention` ({ roomId, days }): an admin sets a room's own retention (or removes it
 * with null); the runner (src/retention/runner.ts) applies it at its next pass. Audited.
 */
export const retentionRule = defineEvent({
  schema: retentionRuleSchema,
  price: ['moderation.user'],
  access: 'admin',
  http: 'POST',
  handle: async ({ input: { roomId, days }, actor, services: { store } }) => {
    if (!(await store.rooms.roomById(roomId))) return fail(ErrorCode.UNKNOWN_ROOM, 'no such room');
    await store.retention.setRoomRetention(roomId, days);
    await store.moderation.recordAudit({
      at: Date.now(),
      actor: actor.id,
      actorName: actor.name,
      action: 'retention-rule',
      target: null,
      roomId,
      detail: days === null ? "the deployment's rule" : `${days} day(s)`,
    });
    return ok({ roomId, days });
  },
});
