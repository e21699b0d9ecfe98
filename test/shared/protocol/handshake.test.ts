import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHandshake } from '../../../src/shared/protocol/handshake.js';

const refusalOf = (auth: unknown): string | undefined => {
  const parsed = parseHandshake(auth);
  return 'refusal' in parsed ? parsed.refusal : undefined;
};

test('a handshake is parsed once into what the server uses: the tutorial’s offset, a token, the room protocol’s rooms and epochs', () => {
  assert.deepEqual(parseHandshake({}), { handshake: { serverOffset: 0, token: undefined, rooms: undefined, epochs: new Map() } });
  assert.deepEqual(parseHandshake({ serverOffset: '7', token: null }), {
    handshake: { serverOffset: 7, token: undefined, rooms: undefined, epochs: new Map() },
  });
  assert.deepEqual(parseHandshake({ token: 't0k', rooms: { 1: 3, 12: 0 }, epochs: { 12: 'e1' }, unknown: true }), {
    handshake: { serverOffset: 0, token: 't0k', rooms: new Map([[1, 3], [12, 0]]), epochs: new Map([[12, 'e1']]) },
  });
  assert.deepEqual(parseHandshake({ rooms: {} }), { handshake: { serverOffset: 0, token: undefined, rooms: new Map(), epochs: new Map() } }, 'no rooms is still the room protocol');
});

test('a wrong handshake is refused with the reason of its first wrong field', () => {
  assert.equal(refusalOf({ serverOffset: -1 }), 'invalid handshake: auth.serverOffset must be a non-negative integer');
  assert.equal(refusalOf({ serverOffset: 'x', token: 42 }), 'invalid handshake: auth.serverOffset must be a non-negative integer');
  assert.equal(refusalOf({ token: 42 }), 'invalid handshake: auth.token must be a string');
  assert.equal(refusalOf({ token: '' }), 'invalid handshake: auth.token must be a string');
  assert.equal(refusalOf({ rooms: null }), 'invalid handshake: auth.rooms must map room ids to non-negative integer offsets');
  assert.equal(refusalOf({ rooms: { 0: 1 } }), 'invalid handshake: auth.rooms must map room ids to non-negative integer offsets');
  assert.equal(refusalOf({ rooms: { 1: 1.5 } }), 'invalid handshake: auth.rooms must map room ids to non-negative integer offsets');
  const many = Object.fromEntries(Array.from({ length: 1001 }, (_, index) => [String(index + 1), 0]));
  assert.equal(refusalOf({ rooms: many }), 'invalid handshake: auth.rooms must map room ids to non-negative integer offsets');
  assert.equal(refusalOf({ rooms: { 1: 0 }, epochs: { 1: 5 } }), 'invalid handshake: auth.epochs must map room ids to epochs (strings)');
  assert.equal(refusalOf('not an object'), 'invalid handshake: auth must be an object');
});
