import { readableText } from '../shared/commands.js';
import type { StoredMessage } from '../shared/message.js';
import { tutorialRoom } from '../socket-rooms.js';
import type { Wire } from './wire.js';

/**
 * The tutorial's wire format: `chat message` (text, serverOffset), to the sockets that
 * speak the tutorial's protocol, the sender included. Edits and deletions are not sent
 * (the tutorial's page would show them as messages), and neither is a deleted message,
 * which the tutorial's page could not take back: their offsets are skipped, so
 * `serverOffset` still only grows.
 */
export const tutorialWire: Wire = {
  key: tutorialRoom,
  event: (message) => (isMessage(message.kind) && !message.redacted ? ['chat message', tutorialText(message), message.offset] : undefined),
  except: () => EVERYONE,
};

/** No socket is left out: the tutorial's sender gets its own message too. */
const EVERYONE: readonly string[] = Object.freeze([]);

const isMessage = (kind: string | undefined): boolean => kind === undefined || kind === 'message';

/** An action message (`/me waves`, src/shared/commands.ts) as the tutorial's page can show it: "* alice waves". */
const tutorialText = (message: StoredMessage): string => readableText(message.text, message.author);
