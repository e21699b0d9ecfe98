/**
 * A file name as it is kept and shown: no path, no control characters, at most 200
 * characters; `file` when nothing is left. It is never used as a path on disk.
 */
export function cleanFileName(given: string): string {
  // eslint-disable-next-line no-control-regex
  const base = given.split(/[\\/]/).pop()?.replace(/[\u0000-\u001f\u007f]/g, '').trim() ?? '';
  return base.slice(0, 200) || 'file';
}
