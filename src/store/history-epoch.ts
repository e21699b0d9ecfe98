import { randomBytes } from 'node:crypto';

/**
 * A new history epoch: random, so two databases (or two restores of one backup) never
 * share one. Offsets name events only within an epoch: the same offset in another epoch
 * may be another event, or none.
 */
export const newHistoryEpoch = (): string => randomBytes(8).toString('hex');
