/** Where the page asks how people may sign in (`GET`, JSON `SignInOptions`). */
export const SIGN_IN_OPTIONS_PATH = '/auth/options';

/** How people may sign in to this server: what the page's sign-in dialog offers. */
export interface SignInOptions {
  /** Password sign-in and sign-up (PARLEY_PASSWORDS); when false the page hides them and the server refuses them. */
  readonly passwords: boolean;
  /** Single sign-on, when configured: the button's provider name, and where it leads (a top-level navigation). */
  readonly sso: { readonly name: string; readonly start: string } | null;
}
