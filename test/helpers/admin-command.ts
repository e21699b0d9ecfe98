import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/admin.js');

/** What `npm run admin -- …` printed and how it exited. */
export interface AdminCommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the operator's command (`npm run admin -- <args>`, built: dist/admin.js) on the
 * database `databaseUrl` names, as the operator would on the server.
 */
export function adminCommand(databaseUrl: string, ...args: string[]): Promise<AdminCommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: { ...process.env, PARLEY_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Grants `username` the admin role, or throws with what the command said. */
export async function grantAdmin(databaseUrl: string, username: string): Promise<void> {
  const result = await adminCommand(databaseUrl, 'grant', username);
  if (result.status !== 0) throw new Error(`npm run admin -- grant ${username} failed (${result.status}): ${result.stderr}`);
}
