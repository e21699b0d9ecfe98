import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStore } from '../../src/store/index.js';

test('createStore refuses an unknown scheme without quoting the rest of the URL', async () => {
  await assert.rejects(createStore('mysql://admin:hunter2@127.0.0.1/parley'), (error: Error) => {
    assert.match(error.message, /PARLEY_DATABASE_URL.*"mysql"/);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
});
