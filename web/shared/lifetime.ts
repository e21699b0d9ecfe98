import type { ServerToClientEvents } from '../../src/shared/events.js';
import type { ChatSocket } from './rpc.js';

/** The socket's own events, as the page listens to them. */
interface SocketEvents {
  connect: () => void;
  /** `reason` is Socket.IO's: 'io server disconnect' when the server closed the connection. */
  disconnect: (reason: string) => void;
  connect_error: (error: Error) => void;
}

/**
 * What a part of the page started that outlives a call: intervals, timers, listeners on the
 * window, the document or the socket. Each is registered here when started, and `stop()`
 * ends them all, once, newest first, so that a stopped part leaves nothing running.
 */
export class Lifetime {
  private readonly cleanups: (() => void)[] = [];
  private stopped = false;

  /** Runs `cleanup` on stop (at once when stopped already). */
  add(cleanup: () => void): void {
    if (this.stopped) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Calls `run` every `ms` until stopped. */
  every(ms: number, run: () => void): void {
    const interval = setInterval(run, ms);
    this.add(() => clearInterval(interval));
  }

  /** Calls `run` once after `ms`, unless stopped first. */
  after(ms: number, run: () => void): void {
    const timer = setTimeout(run, ms);
    this.add(() => clearTimeout(timer));
  }

  /** Listens on the window, the document or one of the page's elements until stopped. */
  listen<K extends keyof WindowEventMap>(target: Window, type: K, listener: (event: WindowEventMap[K]) => void): void;
  listen<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, listener: (event: HTMLElementEventMap[K]) => void): void;
  listen<K extends keyof DocumentEventMap>(target: Document, type: K, listener: (event: DocumentEventMap[K]) => void): void;
  listen(target: EventTarget, type: string, listener: (event: Event) => void): void {
    target.addEventListener(type, listener);
    this.add(() => target.removeEventListener(type, listener));
  }

  /** Listens to a server event, or to the socket's own (connect, disconnect, connect_error), until stopped. */
  on<E extends keyof ServerToClientEvents>(socket: ChatSocket, event: E, listener: ServerToClientEvents[E]): void;
  on<E extends keyof SocketEvents>(socket: ChatSocket, event: E, listener: SocketEvents[E]): void;
  on(socket: ChatSocket, event: string, listener: unknown): void {
    // The socket's typed overloads cannot follow a generic event name; the overloads above tie each event to its listener.
    const untyped = socket as unknown as { on(event: string, listener: unknown): void; off(event: string, listener: unknown): void };
    untyped.on(event, listener);
    this.add(() => untyped.off(event, listener));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0).reverse()) cleanup();
  }
}

