import { streamUserExport } from '../../export/user-export.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { exportEverythingSchema, type ExportDownload } from '../../shared/protocol/exports.js';
import { defineEvent } from '../kit.js';

/**
 * `export:me` (export doorway only: `GET /export/me`): the caller's own data as one JSON
 * document (src/export/user-export.ts), for any signed-in account that is not banned. Not
 * audited: it shows a person only what they wrote and were given.
 */
export const exportMe = defineEvent({
  schema: exportEverythingSchema,
  price: ['exports.address', 'exports.user'],
  access: 'exporter',
  handle: async ({ user, services }) => {
    const account = await services.store.exports.exportedAccount(Number(user.id.slice(2)));
    // Deleted between the session's lookup and now: as if signed out.
    if (!account) return fail(ErrorCode.UNAUTHENTICATED, 'sign in to an account to export data');
    return ok<ExportDownload>({
      filename: `parley-${account.username}.json`,
      type: 'application/json; charset=utf-8',
      write: (out) => streamUserExport(services, account, out),
    });
  },
});
