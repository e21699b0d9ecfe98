import type { ModerationNotice } from '../../src/shared/events.js';

/** How long after a kick or ban notice the server's disconnect is taken to be that action. */
const NOTICE_WINDOW_MS = 10_000;

/** What a moderator did to this user, as the page says it. */
export function describeNotice(notice: ModerationNotice, roomName: (roomId: number) => string): string {
  const reason = notice.reason ? `: ${notice.reason}` : '';
  const until = notice.until === null ? '' : ` until ${new Date(notice.until).toLocaleString()}`;
  const room = notice.roomId === null ? '' : roomName(notice.roomId);
  switch (notice.action) {
    case 'kick':
      return `You were disconnected by ${notice.by}${reason}. Reload to come back.`;
    case 'ban':
      return `You are banned${until} by ${notice.by}${reason}. You cannot read or send messages here until it ends or a moderator lifts it.`;
    case 'mute':
      return `You were muted in ${room}${until} by ${notice.by}${reason}.`;
    case 'unmute':
      return `You may write in ${room} again.`;
    case 'move-in':
      return `${notice.by} added you to ${room}.`;
    case 'move-out':
      return `${notice.by} removed you from ${room}.`;
  }
}

/** The latest kick or ban notice, so the disconnect that follows it can be explained. */
export class LastNotice {
  private latest: { text: string; at: number } | undefined;

  record(notice: ModerationNotice, text: string): void {
    if (notice.action === 'kick' || notice.action === 'ban') this.latest = { text, at: Date.now() };
  }

  /** The text of a kick or ban told within the last few seconds, if any. */
  recent(): string | undefined {
    return this.latest && Date.now() - this.latest.at < NOTICE_WINDOW_MS ? this.latest.text : undefined;
  }
}
