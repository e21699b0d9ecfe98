/**
 * Tests that need an outside service (PostgreSQL, Redis, Chromium) call this: it returns
 * a skip reason when the service is missing, loudly, unless PARLEY_REQUIRE_SERVICES=1
 * (set by .ci/run), where a missing service fails the run.
 */
export function skipUnlessAvailable(service: string, available: boolean, why = ''): string | false {
  if (available) return false;
  const reason = `${service} is not reachable${why ? ` (${why})` : ''}`;
  if (process.env['PARLEY_REQUIRE_SERVICES'] === '1') {
    throw new Error(`${reason}, and PARLEY_REQUIRE_SERVICES=1 makes it required`);
  }
  console.warn(`\n*** SKIPPED: ${reason}. Set it up to run these tests. ***\n`);
  return `SKIPPED: ${reason}`;
}
