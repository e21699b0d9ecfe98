/** A Parley acknowledgement as the attackers read it: `{ ok: true, ... }` or `{ ok: false, error }`. */
export function outcomeOf(answer: unknown): string {
  if (typeof answer !== 'object' || answer === null) return 'no ack shape';
  const { ok, error } = answer as { ok?: unknown; error?: unknown };
  if (ok === true) return 'ok';
  return typeof error === 'string' ? error : 'no ack shape';
}

/** Adds one to `counts[key]`. */
export function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
