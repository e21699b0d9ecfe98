// `npm start`'s first step: builds dist/ when it is missing or older than the sources, and
// only then. A production install (`npm ci --omit=dev`) has no compiler: it runs the dist/
// it was shipped with (README, "Production install").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.built');

/** The newest modification time of the files the build reads. */
function newestSource() {
  let newest = 0;
  const walk = (entry) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ['src', 'web', 'tsconfig.json', 'tsconfig.base.json']) {
    if (fs.existsSync(path.join(root, entry))) walk(path.join(root, entry));
  }
  return newest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built > 0 && built >= newestSource()) process.exit(0);

if (!fs.existsSync(path.join(root, 'node_modules', 'typescript'))) {
  console.error(
    built === 0
      ? 'parley: dist/ is not built, and the build tools are not installed (npm ci --omit=dev). Build first with `npm ci && npm run build`, then install with --omit=dev, or run `npm ci` here.'
      : 'parley: src/ is newer than dist/, and the build tools are not installed (npm ci --omit=dev). Rebuild with `npm ci && npm run build`, or copy dist/ again after the sources.',
  );
  process.exit(1);
}
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
