import { commandCreateSchema, commandDeleteSchema } from '../../shared/protocol/commands.js';
import { emptySchema } from '../../shared/protocol/moderation.js';
import { defineEvent } from '../kit.js';

/**
 * The admin's registered-command events (`mod:command-create`, `mod:commands`,
 * `mod:command-delete`): access `admin` (the operator's too, over /admin/api/<name>), the
 * moderation budget, each change audited by the store (src/commands/registered-commands.ts).
 */

const PRICE = ['moderation.user'] as const;

export const commandAdminEvents = {
  'mod:command-create': defineEvent({
    schema: commandCreateSchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.commands.create(actor, input),
  }),
  'mod:commands': defineEvent({
    schema: emptySchema,
    price: PRICE,
    access: 'admin',
    http: 'GET',
    handle: ({ services }) => services.commands.list(),
  }),
  'mod:command-delete': defineEvent({
    schema: commandDeleteSchema,
    price: PRICE,
    access: 'admin',
    http: 'POST',
    handle: ({ input, actor, services }) => services.commands.delete(actor, input),
  }),
} as const;
