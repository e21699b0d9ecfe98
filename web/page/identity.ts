import type { PublicUser, Session } from '../../src/shared/events.js';
import { SIGN_IN_OPTIONS_PATH, type SignInOptions } from '../../src/shared/protocol/sign-in-options.js';
import { request, type ChatSocket, type Outcome } from '../shared/rpc.js';

const TOKEN_KEY = 'parley.token';
const NICKNAME_KEY = 'parley.nickname';

/** The page's elements for who this person is. */
export interface IdentityElements {
  /** The name in the header. */
  readonly name: HTMLElement;
  /** Opens the dialog (guests) or signs out (accounts). */
  readonly button: HTMLButtonElement;
  readonly dialog: HTMLDialogElement;
  readonly guestForm: HTMLFormElement;
  readonly accountForm: HTMLFormElement;
  /** Holds the single sign-on button; shown when the server has a provider (GET /auth/options). */
  readonly sso: HTMLElement;
  readonly ssoButton: HTMLButtonElement;
  /** Where a refusal is said (an alert region). */
  readonly error: HTMLElement;
}

/**
 * Who this tab is: a guest with a nickname, or a signed-in account. The session token is
 * kept in localStorage and sent as `auth.token` on every handshake; a guest's chosen
 * nickname is kept too and asked for again on each connection.
 */
export class Identity {
  user: PublicUser | undefined;

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: IdentityElements,
    private readonly changed: (user: PublicUser) => void,
  ) {
    elements.button.addEventListener('click', () => {
      if (this.user?.kind === 'account') void this.signOut();
      else this.open();
    });
    elements.guestForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const nickname = String(new FormData(elements.guestForm).get('nickname') ?? '').trim();
      void this.finish(request(socket, 'guest:nickname', { nickname }), () => store(NICKNAME_KEY, nickname));
    });
    elements.accountForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const form = new FormData(elements.accountForm);
      const credentials = { username: String(form.get('username') ?? '').trim(), password: String(form.get('password') ?? '') };
      const register = event.submitter instanceof HTMLButtonElement && event.submitter.value === 'register';
      const answer = request(socket, register ? 'account:register' : 'account:login', credentials);
      void this.finish(
        answer.then((result) => (result.ok ? { ok: true as const, data: this.signedIn(result.data) } : result)),
        () => elements.accountForm.reset(),
      );
    });
    void this.offerSignIns();
  }

  /**
   * Shows the sign-ins this server offers: the single sign-on button (a navigation to the
   * provider and back: the server then sets the session cookie itself) and, unless
   * PARLEY_PASSWORDS is off, the password form. Unknown (the server unreachable): the form.
   */
  private async offerSignIns(): Promise<void> {
    let options: SignInOptions;
    try {
      const answer = await fetch(SIGN_IN_OPTIONS_PATH, { credentials: 'same-origin' });
      if (!answer.ok) return;
      options = (await answer.json()) as SignInOptions;
    } catch {
      return;
    }
    const { sso, ssoButton, accountForm } = this.elements;
    accountForm.hidden = !options.passwords;
    if (options.sso === null) return;
    const start = options.sso.start;
    ssoButton.textContent = `Sign in with ${options.sso.name}`;
    sso.hidden = false;
    ssoButton.addEventListener('click', () => {
      // The cookie the callback sets is the sign-in; a stored token would override it.
      Identity.forgetToken();
      store(NICKNAME_KEY, undefined);
      window.location.assign(start);
    });
  }

  /** The token to send on the handshake, if this browser signed in. */
  static token(): string | undefined {
    return read(TOKEN_KEY);
  }

  /** The server refused the stored token: forget it, so the next handshake is a guest's. */
  static forgetToken(): void {
    store(TOKEN_KEY, undefined);
  }

  /** On every connection: a guest gets back the nickname they chose. */
  async connected(): Promise<void> {
    const nickname = read(NICKNAME_KEY);
    if (Identity.token() || !nickname || this.user?.name === nickname) return;
    const answer = await request(this.socket, 'guest:nickname', { nickname });
    if (answer.ok) this.set(answer.data);
  }

  /** Signs this tab in as the account form does (after a reset link set a new password). */
  async signIn(username: string, password: string): Promise<Outcome<PublicUser>> {
    const answer = await request(this.socket, 'account:login', { username, password });
    if (!answer.ok) return answer;
    const user = this.signedIn(answer.data);
    this.set(user);
    return { ok: true, data: user };
  }

  set(user: PublicUser): void {
    this.user = user;
    this.elements.name.textContent = user.kind === 'account' ? `Signed in as ${user.name}` : `Guest: ${user.name}`;
    this.elements.button.textContent = user.kind === 'account' ? 'Sign out' : 'Sign in or change name';
    this.changed(user);
  }

  open(): void {
    this.elements.error.textContent = '';
    if (!this.elements.dialog.open) this.elements.dialog.showModal();
  }

  private signedIn(session: Session): PublicUser {
    void renewCookie(session.exchange);
    store(TOKEN_KEY, session.token);
    store(NICKNAME_KEY, undefined);
    this.socket.auth = { ...(this.socket.auth as Record<string, unknown>), token: session.token };
    return session.user;
  }

  private async signOut(): Promise<void> {
    const answer = await request(this.socket, 'account:logout', {});
    if (!answer.ok) return;
    void renewCookie('');
    store(TOKEN_KEY, undefined);
    const { token: _dropped, ...auth } = this.socket.auth as Record<string, unknown>;
    this.socket.auth = auth;
    this.set(answer.data);
  }

  private async finish(answer: Promise<Outcome<PublicUser>>, onSuccess: () => void): Promise<void> {
    const result = await answer;
    if (!result.ok) {
      this.elements.error.textContent = result.message;
      return;
    }
    onSuccess();
    this.set(result.data);
    this.elements.dialog.close();
  }
}

/**
 * Trades a sign-in's exchange code for the browser's new session cookie (HttpOnly, so only
 * the server can set it), or, with '', gets a fresh one after signing out: the server
 * never keeps the cookie a browser held before (it may have been planted).
 */
async function renewCookie(code: string): Promise<void> {
  try {
    await fetch('/session', { method: 'POST', body: code, credentials: 'same-origin', headers: { 'content-type': 'text/plain' } });
  } catch {
    // The token still signs this tab in; the cookie is renewed at the next sign-in.
  }
}

function read(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string | undefined): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage refused: the identity lasts as long as the page.
  }
}
