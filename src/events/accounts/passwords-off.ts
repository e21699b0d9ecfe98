import { ErrorCode, fail } from '../../shared/errors.js';

/** The answer to a password sign-in or sign-up when PARLEY_PASSWORDS is off. */
export const PASSWORDS_OFF = fail(ErrorCode.FORBIDDEN, 'password sign-in and sign-up are turned off on this server; sign in with single sign-on');
