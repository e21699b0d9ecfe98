import { streamRoom } from '../../export/deployment-export.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { exportRoomSchema, type ExportDownload } from '../../shared/protocol/exports.js';
import { defineEvent } from '../kit.js';
import { auditExport } from './audit-export.js';

/**
 * `export:room` (export doorway only: `GET /export/rooms/<id>`): admins download a room's
 * events and files as NDJSON (src/export/deployment-export.ts), any room, direct ones too.
 * Recorded in the audit log before a byte is sent, so an export cut short is audited too.
 */
export const exportRoom = defineEvent({
  schema: exportRoomSchema,
  price: ['exports.address', 'exports.user'],
  access: 'export-admin',
  handle: async ({ input: { roomId }, user, services }) => {
    const room = await services.store.rooms.roomById(roomId);
    if (!room) return fail(ErrorCode.UNKNOWN_ROOM, 'no such room');
    await auditExport(services, user, roomId, `exported room ${room.name}`);
    return ok<ExportDownload>({
      filename: `parley-room-${roomId}.ndjson`,
      type: 'application/x-ndjson; charset=utf-8',
      write: (out) => streamRoom(services, roomId, out),
    });
  },
});
