import type { Ack } from '../../src/shared/errors.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';

/** What an upload ended with: the file's info, or why not in words for the person. */
export type UploadOutcome = { readonly ok: true; readonly file: FileInfo } | { readonly ok: false; readonly reason: string };

/** The refusals a person can act on, named first; the server's message says the rest. */
const REASONS: Readonly<Record<string, string>> = {
  FILE_TOO_LARGE: 'too large',
  QUOTA_EXCEEDED: 'over your quota',
  UNAUTHENTICATED: 'not allowed',
  NOT_MEMBER: 'not allowed',
  FORBIDDEN: 'not allowed',
  MUTED: 'not allowed',
  UNKNOWN_ROOM: 'not allowed',
  RATE_LIMITED: 'too many uploads, try again soon',
};

/**
 * Uploads `file` to room `roomId` (`POST /files`, the page's session cookie signing it) with
 * XMLHttpRequest, whose upload events give the progress that fetch does not: `progress`
 * gets the share sent, 0 to 1. Never rejects.
 */
export function uploadFile(roomId: number, file: File, progress: (share: number) => void): { readonly done: Promise<UploadOutcome>; readonly abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.open('POST', `/files?roomId=${roomId}&name=${encodeURIComponent(file.name || 'pasted')}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) progress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let answer: Ack<FileInfo> | undefined;
      try {
        answer = JSON.parse(xhr.responseText) as Ack<FileInfo>;
      } catch {
        answer = undefined;
      }
      if (answer?.ok) {
        progress(1);
        resolve({ ok: true, file: answer.data });
        return;
      }
      const reason = answer ? `${REASONS[answer.error] ?? 'refused'}: ${answer.message}` : xhr.status === 413 ? 'too large' : `refused (HTTP ${xhr.status})`;
      resolve({ ok: false, reason });
    });
    xhr.addEventListener('error', () => resolve({ ok: false, reason: 'the upload failed: no connection' }));
    xhr.addEventListener('abort', () => resolve({ ok: false, reason: 'cancelled' }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
