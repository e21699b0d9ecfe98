import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ExportSink } from '../shared/protocol/exports.js';

/** What the export writers (user-export.ts, deployment-export.ts) write to: a response, a file, a test's buffer. */
export type StreamOut = ExportSink;

/** The client went away during an export: nothing more is read for it. */
export class ExportAborted extends Error {
  override readonly name = 'ExportAborted';
}

/**
 * Writes an export's body a chunk at a time and waits when the socket's buffer is full, so
 * that a slow (or stalled) reader holds one page in this process, never the whole export.
 */
export class ResponseOut implements ExportSink {
  constructor(private readonly response: ServerResponse) {}

  /** Writes `text`; resolves once the response may take more; rejects ExportAborted when the client left. */
  async write(text: string): Promise<void> {
    if (text === '') return;
    if (this.response.destroyed || this.response.writableEnded) throw new ExportAborted('the client closed the export');
    if (this.response.write(text)) return;
    // 'close' too: a client that leaves while the buffer is full never drains it.
    const closed = once(this.response, 'close').then(() => 'close' as const);
    const drained = once(this.response, 'drain').then(() => 'drain' as const);
    if ((await Promise.race([drained, closed])) === 'close') throw new ExportAborted('the client closed the export');
  }

  /** Ends the body. */
  end(): void {
    if (!this.response.destroyed) this.response.end();
  }
}

/** One NDJSON line per value. */
export const ndjson = (values: readonly unknown[]): string => values.map((value) => `${JSON.stringify(value)}\n`).join('');
