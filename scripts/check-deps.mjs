// Fails when package-lock.json holds a known-bad version of a package Parley's network
// surface rests on. It reads the lock file, not node_modules, so it judges what `npm ci`
// will install, and it counts every copy: a nested one (engine.io/node_modules/ws) serves
// traffic as surely as the top-level one.
//
//   node scripts/check-deps.mjs [path/to/package-lock.json]
//
// Exit status 0: every copy is at or above its floor. 1: at least one is below (each is
// named with its place in the lock), or the lock cannot be read.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lowest acceptable version of each watched package; a package absent from the lock passes. */
const FLOORS = Object.freeze({
  'socket.io': '4.8.0',
  'engine.io': '6.6.7',
  'socket.io-parser': '4.2.7',
  ws: '8.21.1',
  '@socket.io/redis-streams-adapter': '0.2.3',
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = path.resolve(process.argv[2] ?? path.join(root, 'package-lock.json'));

/**
 * `major.minor.patch` with an optional pre-release, as numbers and the pre-release text;
 * undefined for anything else (a git URL, a tag), which the check refuses as unverifiable.
 */
function parseVersion(text) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text);
  if (!match) return undefined;
  return { parts: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] };
}

/** Whether `version` sorts below `floor` in semver order (a pre-release is below its release). */
function isBelow(version, floor) {
  for (let i = 0; i < 3; i++) {
    if (version.parts[i] !== floor.parts[i]) return version.parts[i] < floor.parts[i];
  }
  if (version.pre === undefined) return false;
  if (floor.pre === undefined) return true;
  return comparePre(version.pre, floor.pre) < 0;
}

function comparePre(left, right) {
  const a = left.split('.');
  const b = right.split('.');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === undefined) return -1;
    if (b[i] === undefined) return 1;
    const numeric = /^\d+$/.test(a[i]) && /^\d+$/.test(b[i]);
    const order = numeric ? Number(a[i]) - Number(b[i]) : a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Every installed copy in the lock as { name, version, where }. Lock files v2 and v3 list
 * them under `packages` by install path; v1 only nests them under `dependencies`.
 */
function copiesIn(lock) {
  const copies = [];
  if (lock.packages && typeof lock.packages === 'object') {
    for (const [where, entry] of Object.entries(lock.packages)) {
      const at = where.lastIndexOf('node_modules/');
      if (at < 0 || !entry || entry.link) continue;
      // An alias (`"x": "npm:ws@8"`) is installed under its alias; `name` is the real package.
      const name = entry.name ?? where.slice(at + 'node_modules/'.length);
      copies.push({ name, version: entry.version, where });
    }
    return copies;
  }
  const walk = (dependencies, parent) => {
    for (const [name, entry] of Object.entries(dependencies ?? {})) {
      const where = `${parent}node_modules/${name}`;
      copies.push({ name, version: entry.version, where });
      walk(entry.dependencies, `${where}/`);
    }
  };
  walk(lock.dependencies, '');
  return copies;
}

let lock;
try {
  lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
} catch (error) {
  console.error(`check-deps: cannot read ${lockPath}: ${error.message}`);
  process.exit(1);
}

const problems = [];
let checked = 0;
for (const { name, version, where } of copiesIn(lock)) {
  const floorText = FLOORS[name];
  if (floorText === undefined) continue;
  checked++;
  const parsed = typeof version === 'string' ? parseVersion(version) : undefined;
  if (!parsed) problems.push(`${name} at ${where}: version ${JSON.stringify(version)} cannot be checked; need >= ${floorText}`);
  else if (isBelow(parsed, parseVersion(floorText))) problems.push(`${name} ${version} at ${where} is below ${floorText}`);
}

if (problems.length > 0) {
  const shown = path.relative(process.cwd(), lockPath);
  console.error(`check-deps: known-bad versions in ${shown.startsWith('..') ? lockPath : shown}:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('Raise the range in package.json (or its "overrides") and run npm install to update the lock.');
  process.exit(1);
}
console.log(`check-deps: ${checked} copies of ${Object.keys(FLOORS).length} watched packages, none below its floor`);
