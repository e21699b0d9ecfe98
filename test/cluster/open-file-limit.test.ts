import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openFileLimit } from '../../src/cluster/open-file-limit.js';
import { tempDir } from '../helpers/server.js';

const limits = (soft: string): string =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft.padEnd(21)}1048576              files     \n`;

test('the open-file limit is read from /proc/self/limits, and unknown where it cannot be', () => {
  const dir = tempDir();
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  assert.equal(openFileLimit(file('low', limits('1024'))), 1024);
  assert.equal(openFileLimit(file('unlimited', limits('unlimited'))), undefined);
  assert.equal(openFileLimit(path.join(dir, 'missing')), undefined);
  if (fs.existsSync('/proc/self/limits')) assert.ok((openFileLimit() ?? 0) > 0, 'this process has a limit');
});
