import type { Random } from './random.js';

/**
 * Malformed engine.io and socket.io packets, as the text a frame (WebSocket) or a payload
 * segment (long-polling) carries. Each generator mixes well-formed parts with broken ones,
 * so that cases reach past the first parser into the namespace, the middleware and the
 * event handlers: bad JSON, deep nesting, `__proto__` keys, wrong event names and argument
 * types, acknowledgement ids out of range, attachment placeholders that point nowhere,
 * unknown namespaces, lone surrogates.
 */

/** Event names: Parley's own, Socket.IO's reserved ones, and Object.prototype's. */
const EVENT_NAMES: readonly unknown[] = [
  'chat message', 'chat message', 'chat message', 'typing', 'presence:list', 'room:list', 'room:join',
  'room:leave', 'room:create', 'message:send', 'message:edit', 'message:delete', 'history:before',
  'read:mark', 'dm:open', 'guest:nickname', 'account:logout', 'connect', 'connect_error', 'disconnect',
  'disconnecting', 'newListener', 'removeListener', 'error', '__proto__', 'constructor', 'hasOwnProperty',
  'toString', 'valueOf', '', ' ', 'x'.repeat(5000), 42, -1, null, true, {}, [], { __proto__: 1 }, 1e308,
];

/** Keys Parley's payloads use, plus prototype keys. */
const KEYS: readonly string[] = [
  'text', 'roomId', 'clientId', 'after', 'before', 'limit', 'target', 'offset', 'userId', 'name', 'nickname',
  'serverOffset', '__proto__', 'constructor', 'prototype', 'toString', '', '_placeholder', 'num',
];

const STRINGS: readonly string[] = [
  '', 'hello', 'x'.repeat(3999), 'x'.repeat(4001), '\u0000', 'a\u0000b', '\ud800', '\udc00x', '\ud83d\ude00',
  '%00', '../../etc/passwd', '<script>alert(1)</script>', "'; DROP TABLE messages; --", 'general', 'dm:a:b',
  '\u202e', '\r\n', '\u001e', '\u0085', 'ａ', 'undefined-0',
];

const NUMBERS: readonly number[] = [0, 1, -1, 2, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -0];

/** A JSON value, as source text: it may nest, repeat `__proto__` keys or carry placeholders. */
export function jsonValue(random: Random, depth = 0): string {
  const roll = random.int(0, depth > 4 ? 3 : 9);
  switch (roll) {
    case 0:
      return JSON.stringify(random.pick(STRINGS));
    case 1:
      return String(random.pick(NUMBERS));
    case 2:
      return random.pick(['null', 'true', 'false', '1e400', '-1e400', '123456789012345678901234567890', '"\\ud800"', '"\\u0000"']);
    case 3:
      return random.pick(['[]', '{}', '""', '0']);
    case 4:
    case 5:
    case 6: {
      const entries = Array.from({ length: random.int(0, 4) }, () => `${JSON.stringify(random.pick(KEYS))}:${jsonValue(random, depth + 1)}`);
      if (random.chance(0.3)) entries.push('"__proto__":{"polluted":true}');
      return `{${entries.join(',')}}`;
    }
    case 7:
      return `[${Array.from({ length: random.int(0, 4) }, () => jsonValue(random, depth + 1)).join(',')}]`;
    case 8: {
      const num = random.pick<unknown>([0, 1, -1, 99, '0', 1e300, null]);
      return `{"_placeholder":true,"num":${JSON.stringify(num)}}`;
    }
    default: {
      // Deep nesting: arrays or objects a few thousand levels down.
      const levels = random.int(100, 6000);
      return random.chance(0.5) ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    }
  }
}

/** The data of an event packet: an array whose first element names the event. */
function eventData(random: Random): string {
  const name = JSON.stringify(random.pick(EVENT_NAMES));
  const args = Array.from({ length: random.int(0, 4) }, () => jsonValue(random));
  return `[${[name, ...args].join(',')}]`;
}

/** Breaks well-formed JSON text in one of several ways, or leaves it (half the time). */
function maybeBreak(random: Random, text: string): string {
  switch (random.int(0, 7)) {
    case 0:
      return text.slice(0, random.int(0, text.length));
    case 1:
      return `${text}${random.pick(['}', ']', ',', 'garbage', '\u0000', '"'])}`;
    case 2:
      return text.replace(/[[{]/, random.pick(['(', '<', '']));
    case 3:
      return random.pick(['{"a":1}', '"string"', '42', 'null', '[', '{"__proto__":[]}']);
    default:
      return text;
  }
}

/**
 * A socket.io event packet that passes the parser: a string event name, arguments of any
 * JSON shape, and an acknowledgement id half the time. These reach Parley's handlers.
 */
function wellFormedEvent(random: Random): string {
  const names = EVENT_NAMES.filter((name) => typeof name === 'string');
  const args = Array.from({ length: random.int(0, 3) }, () => jsonValue(random));
  const ackId = random.chance(0.5) ? String(random.int(0, 1000)) : '';
  return `2${ackId}[${[JSON.stringify(random.pick(names)), ...args].join(',')}]`;
}

/** A socket.io packet (the text inside an engine.io `4` message): half reach the handlers, half are malformed. */
export function socketIoPacket(random: Random): string {
  if (random.chance(0.5)) return wellFormedEvent(random);
  const type = random.pick(['0', '1', '2', '2', '2', '3', '4', '5', '5', '6', '7', '9', '-', 'x', '']);
  const attachments = type === '5' || type === '6' || random.chance(0.05)
    ? random.pick(['1-', '0-', '2-', '-1-', '99999999999999999999-', 'a-', '1', '']) : '';
  const namespace = random.pick(['', '', '', '', '/,', '/nope,', '/admin,', '/socket.io,', `/${'n'.repeat(2000)},`, '/\u0000,', '/', 'nope,']);
  const ackId = random.chance(0.5)
    ? random.pick(['0', '1', '7', '-1', '4294967296', '9007199254740993', '99999999999999999999999999', '1e400', '01', ' 1'])
    : '';
  let data: string;
  if (type === '0') data = random.chance(0.7) ? maybeBreak(random, jsonValue(random)) : '';
  else if (type === '3' || type === '6') data = maybeBreak(random, `[${jsonValue(random)}]`);
  else data = maybeBreak(random, eventData(random));
  return `${type}${attachments}${namespace}${ackId}${data}`;
}

/** An engine.io packet as text: a socket.io message most of the time, else another type. */
export function engineIoPacket(random: Random): string {
  if (random.chance(0.75)) return `4${socketIoPacket(random)}`;
  return random.pick(['', '0', '1', '2', '2probe', '3', '3probe', '5', '6', '7', '8', '9', 'x', '4', `0${jsonValue(random)}`, 'b', `b${'A'.repeat(7)}`, 'b!!!!']);
}
