import type { PublicUser } from '../../shared/events.js';
import type { Services } from '../kit.js';

/** Records an admin's export in the audit log, where the panel and `mod:audit` list it. */
export const auditExport = (services: Pick<Services, 'store'>, user: PublicUser, roomId: number | null, detail: string): Promise<void> =>
  services.store.moderation.recordAudit({ at: Date.now(), actor: user.id, actorName: user.name, action: 'export', target: null, roomId, detail });
