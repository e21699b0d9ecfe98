import { z } from 'zod';
import { defineEvent } from '../kit.js';
import { epochSchema, clientIdSchema, offsetSchema, roomIdSchema } from '../schemas.js';
import { appendChange } from './message-change.js';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * One emoji: a single grapheme made of pictographs with their modifiers, variation
 * selectors, joiners and keycaps (so 👍🏽, ❤️ and 👩‍💻 pass), at most 32 UTF-16 units.
 * Words, markup and strings of several emoji do not.
 */
const emojiSchema = z
  .string()
  .min(1)
  .refine((emoji) => emoji.length <= 32, 'emoji must be one emoji')
  .regex(/^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|[#*0-9])+$/u, 'emoji must be an emoji')
  .refine((emoji) => /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(emoji), 'emoji must be an emoji')
  .refine((emoji) => [...graphemes.segment(emoji)].length === 1, 'emoji must be one emoji');

/**
 * `message:react` ({ roomId, target, emoji, on, clientId }): the user adds (`on` true) or
 * takes back an emoji reaction on a live message of a room they write in, stored as an
 * event of its own (`react` / `unreact`) so that clients replaying the room converge, as
 * for edits. A muted user may not react, nor react to a deleted message (access `live-target`).
 */
export const messageReact = defineEvent({
  schema: z.object({ roomId: roomIdSchema, target: offsetSchema.min(1), emoji: emojiSchema, on: z.boolean(), clientId: clientIdSchema, epoch: epochSchema.optional() }),
  price: ['messages.connection', 'messages.user'],
  access: 'live-target',
  handle: (call) => appendChange(call, call.input.on ? 'react' : 'unreact', call.input.emoji),
});
