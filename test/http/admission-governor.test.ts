import assert from 'node:assert/strict';
import { test } from 'node:test';
import { governAdmission } from '../../src/http/admission-governor.js';
import { AdmissionPacer } from '../../src/http/admission.js';

/** Keeps this process's event loop busy for `ms`, as a storm's handshakes would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning: the event loop is late meanwhile
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 24, storms: the admission pace halves while the worker's event loop is late, never
 * below its floor, and climbs back once the loop is on time, so new sessions get the time
 * the people already chatting do not need.
 */
test('the admission pace falls while the event loop is late and climbs back when it is not', async () => {
  const pacer = new AdmissionPacer({ perSecond: 400, burst: 400, maxWaitMs: 5000 });
  const governor = governAdmission(pacer, 20);
  try {
    for (let round = 0; round < 8; round++) {
      blockFor(120);
      await pause(20);
    }
    const lowest = pacer.rate;
    assert.ok(lowest <= 100, `halved at least twice under a late loop (${lowest}/s)`);
    assert.ok(lowest >= 40, `never below the floor of 10 % (${lowest}/s)`);
    await pause(3000);
    assert.ok(pacer.rate > lowest * 2, `climbs back once the loop is on time (${lowest} -> ${pacer.rate}/s)`);
    // A shared machine may make the loop late now and then: allow it some time.
    for (let waited = 0; pacer.rate < 400 && waited < 15_000; waited += 250) await pause(250);
    assert.equal(pacer.rate, 400, 'back at its ceiling');
  } finally {
    governor.stop();
  }
});
