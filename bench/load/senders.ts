import { LatencyHistogram } from '../stats.js';
import type { BenchClient, SendOutcome } from './bench-client.js';
import { now, stampedText, type SendCommand, type SentReply } from './protocol.js';

/** How often the open-loop scheduler looks at the clock. */
const TICK_MS = 2;
/** An open loop whose event loop lags may finish its due sends this long after the duration. */
const LATE_GRACE_MS = 5_000;

/**
 * Drives the first `command.senders` clients: open loop (a fixed rate per sender, however
 * slow the acknowledgements; each client queues what it cannot send yet, as the tutorial's
 * client does) or closed loop (the next message as soon as the previous is acknowledged).
 * Stops sending after `durationMs` or `maxPerSender`, then waits at most `settleTimeoutMs`
 * for outstanding acknowledgements. Acknowledgement latency runs from the send call.
 */
export async function runSenders(clients: readonly BenchClient[], command: SendCommand): Promise<SentReply> {
  const senders = clients.slice(0, command.senders);
  const ackMs = new LatencyHistogram();
  const ackedOffsets: number[] = [];
  const ackLog: number[] = [];
  const failures: Record<string, number> = {};
  const outstanding = new Set<Promise<void>>();
  let duplicateAcks = 0;
  let sent = 0;
  let firstSendAt = Number.NaN;
  let lastSendAt = Number.NaN;
  let lastAckAt = Number.NaN;

  const sendOne = (client: BenchClient): Promise<void> => {
    const sentAt = now();
    if (Number.isNaN(firstSendAt)) firstSendAt = sentAt;
    lastSendAt = sentAt;
    sent += 1;
    const work = client.send(stampedText(sentAt, command.textLength)).then((outcome: SendOutcome) => {
      const ackedAt = now();
      if (outcome.ok) {
        ackMs.record(ackedAt - sentAt);
        ackLog.push(sentAt, ackedAt - sentAt);
        ackedOffsets.push(outcome.offset);
        if (outcome.duplicate) duplicateAcks += 1;
        lastAckAt = ackedAt;
      } else {
        failures[outcome.reason] = (failures[outcome.reason] ?? 0) + 1;
      }
    });
    const tracked = work.finally(() => outstanding.delete(tracked));
    outstanding.add(tracked);
    return tracked;
  };

  await sleep(Math.max(0, command.startAt - now()));
  const startedAt = now();
  const deadline = startedAt + command.durationMs;
  if (command.mode === 'open') {
    // A sender's n-th message is due n / rate seconds after the start; those due within
    // the duration are all sent, even if the loop runs a little late.
    const total = Math.min(command.maxPerSender, Math.ceil((command.durationMs / 1000) * command.ratePerSender));
    const counts = senders.map(() => 0);
    while (now() < deadline + LATE_GRACE_MS && counts.some((count) => count < total)) {
      const due = Math.min(total, Math.floor(((now() - startedAt) / 1000) * command.ratePerSender) + 1);
      senders.forEach((client, index) => {
        while ((counts[index] ?? 0) < due) {
          counts[index] = (counts[index] ?? 0) + 1;
          void sendOne(client);
        }
      });
      await sleep(TICK_MS);
    }
  } else {
    await Promise.all(
      senders.map(async (client) => {
        for (let count = 0; count < command.maxPerSender && now() < deadline; count++) await sendOne(client);
      }),
    );
  }

  const settled = Promise.all([...outstanding]).then(() => true);
  const inTime = await Promise.race([settled, sleep(command.settleTimeoutMs).then(() => false)]);
  if (!inTime) failures['UNSETTLED'] = outstanding.size;

  return {
    type: 'sent',
    sent,
    ackedOffsets: Int32Array.from(ackedOffsets),
    duplicateAcks,
    failures,
    ackMs: ackMs.toData(),
    ackLog: Float64Array.from(ackLog),
    firstSendAt,
    lastSendAt,
    lastAckAt,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
