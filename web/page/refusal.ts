/**
 * What a person refused by the server reads, and what they can do about it. A refusal ends
 * the connection for good (Socket.IO does not retry a handshake its server refused), so the
 * page says why and stops taking messages that could never be sent.
 */

/** The `data` a refusal of the handshake carries (src/moderation/restrictions.ts, bannedError). */
interface RefusalData {
  readonly code?: unknown;
  readonly reason?: unknown;
  readonly until?: unknown;
}

/** The text for a `connect_error` that refused the handshake: the reason, then what to do. */
export function describeRefusal(error: Error): string {
  const data = (error as Error & { data?: RefusalData }).data;
  if (data?.code === 'BANNED') {
    const until = typeof data.until === 'number' ? ` until ${new Date(data.until).toLocaleString()}` : '';
    const reason = typeof data.reason === 'string' && data.reason !== '' ? `: ${data.reason}` : '';
    const after = until ? 'Reload the page once it has ended' : 'Reload the page once it is lifted';
    return `You are banned${until}${reason}. You cannot read or send messages here; a moderator can lift the ban. ${after}.`;
  }
  return `The server refused the connection: ${error.message}. Reload the page to try again.`;
}

/** A kick or ban told just before the server closed the connection, with what to do next. */
export function afterModeration(notice: string | undefined): string {
  return notice ?? 'The server closed the connection. Reload the page to come back.';
}

/**
 * The message box takes nothing while the page cannot send: disabled, with the reason as
 * its placeholder, so no text is typed and queued for a connection that will not come back.
 */
export function closeComposer(form: HTMLFormElement, input: HTMLTextAreaElement, why: string): void {
  input.value = '';
  input.disabled = true;
  // Read by the composer, which would enable the box again for the next room opened.
  input.dataset.closed = 'true';
  input.placeholder = why;
  for (const button of Array.from(form.querySelectorAll('button'))) button.disabled = true;
}
