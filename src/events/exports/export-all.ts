import { streamDeployment } from '../../export/deployment-export.js';
import { ok } from '../../shared/errors.js';
import { exportEverythingSchema, type ExportDownload } from '../../shared/protocol/exports.js';
import { defineEvent } from '../kit.js';
import { auditExport } from './audit-export.js';

/**
 * `export:all` (export doorway only: `GET /export/all`): admins download the whole
 * deployment as NDJSON (src/export/deployment-export.ts), audited before a byte is sent.
 */
export const exportAll = defineEvent({
  schema: exportEverythingSchema,
  price: ['exports.address', 'exports.user'],
  access: 'export-admin',
  handle: async ({ user, services }) => {
    await auditExport(services, user, null, 'exported the deployment');
    return ok<ExportDownload>({
      filename: 'parley-deployment.ndjson',
      type: 'application/x-ndjson; charset=utf-8',
      write: (out) => streamDeployment(services, out),
    });
  },
});
