import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { NODE_HEAP_FLAGS, PRIMARY_ONLY_FLAGS } from '../../src/cluster/heap-flags.js';

test('npm start runs the primary with the heap flags the primary gives its workers', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = manifest.scripts.start.split(/\s+/);
  assert.equal(words[0], 'node');
  for (const flag of NODE_HEAP_FLAGS) assert.ok(words.includes(flag), `npm start passes ${flag}`);
  // The primary collects after connection bursts (src/cluster/burst-collector.ts).
  for (const flag of PRIMARY_ONLY_FLAGS) assert.ok(words.includes(flag), `npm start passes ${flag}`);
});
