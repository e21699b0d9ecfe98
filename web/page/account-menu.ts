import type { PublicUser } from '../../src/shared/events.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';

/** The shortest password the server takes (src/shared/protocol/passwords.ts): said here before a round trip. */
const MIN_PASSWORD = 8;

/** The page's elements of a signed-in person's account menu and of the reset link's page. */
export interface AccountElements {
  /** Opens the menu; shown to accounts only. */
  readonly button: HTMLButtonElement;
  readonly dialog: HTMLDialogElement;
  /** `GET /export/me`: the session cookie proves who downloads. */
  readonly download: HTMLAnchorElement;
  readonly passwordForm: HTMLFormElement;
  /** What succeeded (a status region) and what was refused (an alert region). */
  readonly status: HTMLElement;
  readonly error: HTMLElement;
  readonly resetDialog: HTMLDialogElement;
  readonly resetForm: HTMLFormElement;
  readonly resetError: HTMLElement;
}

/** What the menu needs of the identity: signing in after a reset, as the sign-in form does. */
export interface SignIn {
  signIn(username: string, password: string): Promise<Outcome<PublicUser>>;
}

/**
 * A refusal as a person reads it: the server names the event and field
 * (`account:password: next: password must be …`), which say nothing to them.
 */
export function readableRefusal(message: string): string {
  const bare = message.replace(/^[a-z]+:[a-z-]+: (?:[a-z]+: )?/i, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1) + (/[.!?]$/.test(bare) ? '' : '.');
}

/**
 * A signed-in person's account menu, "Download my data" (the export of src/events/
 * export-doorway.ts) and "Change password" (`account:password`: current and new; every other
 * session is signed out), and the page a reset link opens (`/#reset=<token>`: the new
 * password twice, `account:reset`, then signed in with it, the token gone from the address).
 */
export class AccountMenu {
  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: AccountElements,
    private readonly identity: SignIn,
  ) {
    elements.button.addEventListener('click', () => this.open());
    elements.passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.changePassword();
    });
    elements.resetForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.reset();
    });
    // A link pasted into a tab already open changes only the fragment: no new page load.
    window.addEventListener('hashchange', () => this.openResetLink());
  }

  /** Shows the menu's button to accounts only; a guest has no data of an account to download. */
  show(user: PublicUser): void {
    this.elements.button.hidden = user.kind !== 'account';
    if (user.kind !== 'account' && this.elements.dialog.open) this.elements.dialog.close();
  }

  /** Opens the reset page when the address carries a reset link's token. */
  openResetLink(): void {
    if (resetToken() === undefined) return;
    this.elements.resetError.textContent = '';
    if (!this.elements.resetDialog.open) this.elements.resetDialog.showModal();
  }

  private open(): void {
    this.elements.status.textContent = '';
    this.elements.error.textContent = '';
    if (!this.elements.dialog.open) this.elements.dialog.showModal();
  }

  private async changePassword(): Promise<void> {
    const { passwordForm, status, error } = this.elements;
    const form = new FormData(passwordForm);
    const current = String(form.get('current') ?? '');
    const next = String(form.get('next') ?? '');
    status.textContent = '';
    error.textContent = '';
    if (current === '') return void (error.textContent = 'Type your current password.');
    if (next.length < MIN_PASSWORD) return void (error.textContent = `The new password must be at least ${MIN_PASSWORD} characters.`);
    if (next === current) return void (error.textContent = 'The new password is the current one.');
    const answer = await request(this.socket, 'account:password', { current, next });
    if (!answer.ok) {
      error.textContent = answer.error === 'INVALID_CREDENTIALS' ? 'The current password is wrong.' : readableRefusal(answer.message);
      return;
    }
    passwordForm.reset();
    const others = answer.data.signedOut;
    status.textContent = `Password changed.${others > 0 ? ` ${others} other session${others === 1 ? '' : 's'} signed out.` : ''}`;
  }

  private async reset(): Promise<void> {
    const { resetForm, resetError, resetDialog } = this.elements;
    const token = resetToken();
    const form = new FormData(resetForm);
    const password = String(form.get('password') ?? '');
    const again = String(form.get('again') ?? '');
    resetError.textContent = '';
    if (!token) return void (resetError.textContent = 'This page was not opened from a reset link.');
    if (password.length < MIN_PASSWORD) return void (resetError.textContent = `The new password must be at least ${MIN_PASSWORD} characters.`);
    if (password !== again) return void (resetError.textContent = 'The two passwords differ.');
    const answer = await request(this.socket, 'account:reset', { token, password });
    if (!answer.ok) {
      resetError.textContent =
        answer.error === 'INVALID_CREDENTIALS' || answer.error === 'INVALID_PAYLOAD'
          ? 'This reset link is unknown, used or expired: ask an admin for a new one.'
          : readableRefusal(answer.message);
      return;
    }
    // The token is spent: out of the address, so that a reload or a shared screen shows nothing.
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    const signedIn = await this.identity.signIn(answer.data.username, password);
    resetForm.reset();
    if (!signedIn.ok) return void (resetError.textContent = `Password set; signing in failed: ${readableRefusal(signedIn.message)}`);
    resetDialog.close();
  }
}

/** The token of a reset link (`#reset=<token>`), if the address has one. */
function resetToken(): string | undefined {
  const match = /^#reset=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
  return match?.[1];
}
