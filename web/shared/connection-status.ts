/** What the page knows about its connection. */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'refused';

/**
 * The status line in the header (a polite live region, so screen readers hear changes).
 * The state is also in `data-state`, for the style sheet and for tests.
 */
export class ConnectionStatus {
  private state: ConnectionState = 'connecting';
  private detail = '';
  private waiting = 0;

  constructor(private readonly element: HTMLElement) {}

  /** Shows `state`; `detail` says more, e.g. why the server refused the connection. */
  show(state: ConnectionState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.render();
  }

  /** How many typed messages wait for their acknowledgement. */
  setWaiting(waiting: number): void {
    this.waiting = waiting;
    this.render();
  }

  private render(): void {
    const parts = [HEADLINES[this.state]];
    if (this.detail) parts.push(this.detail);
    // Only worth saying while they cannot go out; online, each message shows its own state.
    if (this.state === 'refused' && this.waiting > 0) {
      parts.push(this.waiting === 1 ? '1 message was not sent.' : `${this.waiting} messages were not sent.`);
    } else if (this.state !== 'online' && this.waiting > 0) {
      parts.push(this.waiting === 1 ? '1 message will be sent when back.' : `${this.waiting} messages will be sent when back.`);
    }
    const text = parts.join(' ');
    // Rewriting equal text would make screen readers announce it again.
    if (this.element.textContent !== text) this.element.textContent = text;
    this.element.dataset.state = this.state;
  }
}

const HEADLINES: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline. Reconnecting…',
  refused: 'Disconnected.',
};
