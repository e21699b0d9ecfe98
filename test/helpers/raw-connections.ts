import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { pace } from './waits.js';

/** A raw TCP connection and what became of it. */
export interface RawConnection {
  readonly socket: net.Socket;
  readonly openedAt: number;
  /** Everything the server sent. */
  received: string;
  /** When the connection closed, if it has. */
  closedAt: number | undefined;
  readonly closed: Promise<void>;
}

/** Opens a TCP connection to 127.0.0.1:`port`, from `localAddress` (any of 127.0.0.0/8 on Linux). */
export function openRaw(port: number, localAddress = '127.0.0.1'): RawConnection {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.setNoDelay(true);
  const connection: RawConnection = {
    socket,
    openedAt: Date.now(),
    received: '',
    closedAt: undefined,
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
  socket.setEncoding('latin1').on('data', (chunk: string) => (connection.received += chunk));
  socket.on('error', () => undefined);
  socket.once('close', () => (connection.closedAt = Date.now()));
  return connection;
}

/**
 * Sends `text` one byte every `intervalMs` until it is all sent, the connection closes,
 * or `stopAt` (a Date.now() value) passes.
 */
export async function dribble(connection: RawConnection, text: string, intervalMs: number, stopAt: number): Promise<void> {
  for (let index = 0; index < text.length && connection.closedAt === undefined && Date.now() < stopAt; index++) {
    connection.socket.write(text[index] ?? '');
    await pace(intervalMs, 'the next byte of a slow request');
  }
}


/** GET `url` from the 127.0.0.1 address; resolves with status and body. */
export function get(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}

/** A process's resident memory in kB, from /proc (Linux). */
export function residentKb(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}
