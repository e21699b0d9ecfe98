import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnnouncedState } from '../../src/presence/announced-state.js';
import type { PresenceView } from '../../src/presence/collect.js';
import type { PresenceNotice, PublicUser } from '../../src/shared/events.js';

const ann: PublicUser = { id: 'g:ann', name: 'ann', kind: 'guest' };
const ben: PublicUser = { id: 'a:1', name: 'ben', kind: 'account' };
const view = (...entries: [PublicUser, number[]][]): PresenceView => new Map(entries.map(([user, rooms]) => [user.id, { user, rooms: new Set(rooms) }]));
const brief = (notices: readonly PresenceNotice[]): string[] => notices.map((notice) => `${notice.user.name} ${notice.status}@${notice.roomId ?? 'all'}`);
const GRACE = 1000;

test('arrivals are announced at once, online before joined, and only once', () => {
  const state = new AnnouncedState();
  assert.deepEqual(brief(state.advance(view([ann, [1, 2]]), 0, GRACE)), ['ann online@all', 'ann joined@1', 'ann joined@2']);
  assert.deepEqual(brief(state.advance(view([ann, [1, 2]], [ben, [1]]), 10, GRACE)), ['ben online@all', 'ben joined@1']);
  assert.deepEqual(state.advance(view([ann, [1, 2]], [ben, [1]]), 20, GRACE), []);
});

test('departures wait for the grace; a return within it announces nothing', () => {
  const state = new AnnouncedState();
  state.advance(view([ann, [1]]), 0, GRACE);
  assert.deepEqual(state.advance(view(), 100, GRACE), [], 'gone, within the grace');
  assert.ok(state.departuresPending());
  assert.deepEqual(state.advance(view([ann, [1]]), 600, GRACE), [], 'back (a reload)');
  assert.ok(!state.departuresPending());
  assert.deepEqual(state.advance(view(), 700, GRACE), []);
  assert.deepEqual(brief(state.advance(view(), 1700, GRACE)), ['ann left@1', 'ann offline@all']);
  assert.deepEqual(state.advance(view(), 5000, GRACE), [], 'announced once');
});

test('leaving one room while online elsewhere is a left without offline', () => {
  const state = new AnnouncedState();
  state.advance(view([ann, [1, 2]]), 0, GRACE);
  state.advance(view([ann, [2]]), 10, GRACE);
  assert.deepEqual(brief(state.advance(view([ann, [2]]), 1010, GRACE)), ['ann left@1']);
});

test('a copy fed the announcements continues where the coordinator stopped', () => {
  const coordinator = new AnnouncedState();
  const copy = new AnnouncedState();
  copy.apply(coordinator.advance(view([ann, [1]], [ben, [1]]), 0, GRACE));
  // The coordinator dies with ben's tabs: the copy announces ben's departure, not ann's arrival.
  assert.deepEqual(copy.advance(view([ann, [1]]), 100, GRACE), []);
  assert.deepEqual(brief(copy.advance(view([ann, [1]]), 1100, GRACE)), ['ben left@1', 'ben offline@all']);

  const late = new AnnouncedState();
  late.load(coordinator.users());
  assert.deepEqual(late.advance(view([ann, [1]], [ben, [1]]), 0, GRACE), [], 'a state transfer makes nothing new');
});

test('a rename keeps the user and is carried by later notices', () => {
  const state = new AnnouncedState();
  state.advance(view([ann, [1]]), 0, GRACE);
  const renamed = { ...ann, name: 'annie' };
  assert.deepEqual(state.advance(view([renamed, [1]]), 10, GRACE), []);
  state.advance(view(), 20, GRACE);
  assert.deepEqual(brief(state.advance(view(), 2000, GRACE)), ['annie left@1', 'annie offline@all']);
});

test('a sign-in is one person: the new user takes the old one’s place, nobody leaves or arrives', () => {
  const state = new AnnouncedState();
  const guest: PublicUser = { id: 'g:x', name: 'guest-x', kind: 'guest' };
  const withWas = (user: PublicUser, rooms: number[], was: PublicUser): PresenceView => new Map([[user.id, { user, rooms: new Set(rooms), was }]]);
  state.advance(view([guest, [1, 7]]), 0, GRACE);
  // Signed in as ben: room 7 (the guest's direct room) is not ben's; room 3 is ben's own.
  const switched = state.advance(withWas(ben, [1, 3], guest), 10, GRACE);
  assert.deepEqual(brief(switched), ['guest-x left@7', 'ben online@all', 'ben joined@1', 'ben joined@3']);
  assert.deepEqual(
    switched.filter((notice) => notice.was).map((notice) => `${notice.status}@${notice.roomId ?? 'all'}`),
    ['online@all', 'joined@1'],
    'the notices that replace carry whom they replace',
  );
  // A tab of the guest on a server that has not followed yet is not the guest coming back.
  const lagging = new Map([...withWas(ben, [1, 3], guest), [guest.id, { user: guest, rooms: new Set([1]) }]]);
  assert.deepEqual(state.advance(lagging, 20, GRACE), []);
  assert.deepEqual(state.advance(withWas(ben, [1, 3], guest), 5000, GRACE), [], 'and the guest never goes offline');
  assert.deepEqual(brief(state.advance(view(), 9000, GRACE)), [], 'within the grace');
  assert.deepEqual(brief(state.advance(view(), 10_500, GRACE)), ['ben left@1', 'ben left@3', 'ben offline@all']);
});

test('a copy fed the switch notices forgets the old user too', () => {
  const coordinator = new AnnouncedState();
  const copy = new AnnouncedState();
  const guest: PublicUser = { id: 'g:y', name: 'guest-y', kind: 'guest' };
  copy.apply(coordinator.advance(view([guest, [1]]), 0, GRACE));
  copy.apply(coordinator.advance(new Map([[ben.id, { user: ben, rooms: new Set([1]), was: guest }]]), 10, GRACE));
  assert.deepEqual(copy.users(), coordinator.users());
  assert.deepEqual(copy.users().map((entry) => entry.user.id), [ben.id]);
});
