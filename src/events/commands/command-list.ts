import { BUILT_IN_COMMANDS } from '../../shared/commands.js';
import { ok } from '../../shared/errors.js';
import { emptySchema } from '../../shared/protocol/moderation.js';
import { defineEvent } from '../kit.js';

/** `command:list` ({}): what the composer offers after `/`: the built-in commands, then the registered ones. */
export const commandList = defineEvent({
  schema: emptySchema,
  price: ['reads.connection', 'reads.user'],
  access: 'anyone',
  handle: async ({ services }) => {
    const registered = await services.store.commands.commands();
    return ok([...BUILT_IN_COMMANDS, ...registered.map(({ name, usage, description }) => ({ name, usage, description, registered: true }))]);
  },
});
