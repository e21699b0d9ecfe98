import { engineIoPacket } from './packets.js';
import { httpRequest, rawRequest } from './http-requests.js';
import { PROBE } from './websocket-cases.js';
import type { Random } from './random.js';

/** The session a case runs in: none, an engine.io session, or one joined to `/`. */
type Stage = 'none' | 'engine' | 'namespace';

/** How the case's one malformed request is made. */
type Attack =
  | { readonly kind: 'post'; readonly query: (sid: string) => string; readonly body: Buffer; readonly contentType: string | undefined }
  | { readonly kind: 'get'; readonly method: string; readonly query: (sid: string) => string }
  | { readonly kind: 'raw'; readonly request: (sid: string) => Buffer };

/** One long-polling case. */
export interface PollingCase {
  readonly stage: Stage;
  readonly attack: Attack;
}

const SEPARATOR = '\u001e';

/** A query string for the session `sid`, mostly right, sometimes with a bad sid, EIO or transport. */
function fuzzQuery(random: Random): (sid: string) => string {
  if (random.chance(0.6)) return (sid) => `EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
  const eio = random.pick(['4', '4', '3', '5', '-1', '', 'abc', '4&EIO=3', '99999999999999999999']);
  const transport = random.pick(['polling', 'polling', 'websocket', 'nope', '', 'polling&transport=websocket']);
  const badSid = random.pick<(sid: string) => string>([
    (sid) => sid,
    () => '0.nope.nope',
    () => '',
    (sid) => `${sid.slice(0, -1)}${sid.endsWith('A') ? 'B' : 'A'}`,
    (sid) => `${(Number(sid[0]) + 1) % 10}${sid.slice(1)}`,
    () => 'x'.repeat(600),
    () => '%00',
    () => '../../',
    (sid) => `${sid}&sid=${sid}x`,
  ]);
  const extra = random.pick(['', '', '&j=0', '&b64=1', '&t=%ff%fe', '&__proto__=1', '&constructor[prototype][x]=1']);
  return (sid) => `EIO=${eio}&transport=${transport}&sid=${badSid(sid)}${extra}`;
}

/** A polling payload: engine.io packets joined by the record separator, or worse. */
function fuzzBody(random: Random): Buffer {
  switch (random.int(0, 9)) {
    case 0:
      return Buffer.concat([Buffer.from('42["chat message","'), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('","x"]')]);
    case 1:
      return Buffer.from(`42["chat message","${'z'.repeat(random.int(66_000, 100_000))}","big"]`);
    case 2:
      return random.bytes(random.int(0, 512));
    case 3:
      return Buffer.from(Array.from({ length: random.int(50, 2000) }, () => random.pick(['6', '3', '2', '40', ''])).join(SEPARATOR));
    case 4: {
      // A binary event (base64 attachment after its placeholder packet), often inconsistent.
      const attachments = random.int(0, 3);
      const parts = [`451-["chat message",{"_placeholder":true,"num":${random.int(-1, attachments + 1)}},"x"]`];
      for (let i = random.int(0, 3); i > 0; i--) parts.push(`b${random.bytes(random.int(0, 40)).toString('base64')}${random.pick(['', '!!', '='])}`);
      return Buffer.from(parts.join(SEPARATOR));
    }
    default:
      return Buffer.from(Array.from({ length: random.int(1, 4) }, () => engineIoPacket(random)).join(SEPARATOR));
  }
}

/** Requests whose HTTP framing itself is broken, written byte for byte. */
function rawAttack(random: Random): (sid: string) => Buffer {
  const head = (sid: string, method = 'POST'): string =>
    `${method} /socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  const variant = random.int(0, 8);
  return (sid) => {
    switch (variant) {
      case 0:
        return Buffer.from(`${head(sid)}Content-Length: -${random.int(1, 99)}\r\n\r\n40`);
      case 1:
        // Far more than will come: the server must not wait for it forever (the client gives up first).
        return Buffer.from(`${head(sid)}Content-Length: ${random.pick(['99999999999', '18446744073709551617', '1e9'])}\r\n\r\n40`);
      case 2:
        return Buffer.from(`${head(sid)}Content-Length: 2\r\nContent-Length: 5\r\n\r\n40abc`);
      case 3:
        return Buffer.from(`${head(sid)}Transfer-Encoding: chunked\r\n\r\n${random.pick(['zz', '-1', 'ffffffffffffffff', '2'])}\r\n40\r\n0\r\n\r\n`);
      case 4:
        return Buffer.from(`${head(sid)}Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n40\r\n0\r\n\r\n`);
      case 5:
        return Buffer.from(`${head(sid, random.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'BREW', 'G\u0000T']))}Content-Length: 2\r\n\r\n40`);
      case 6:
        return Buffer.from(`${head(sid)}No colon here\r\nContent-Length: 2\r\n\r\n40`);
      case 7:
        return Buffer.from(`${head(sid)}Content-Length: 2\r\n\r\n40GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
      default:
        return Buffer.concat([Buffer.from(`${head(sid)}Content-Length: 6\r\n\r\n`), Buffer.from([0x34, 0x32, 0xff, 0xfe, 0x00, 0x80])]);
    }
  };
}

/** Builds one long-polling case from its own generator. */
export function pollingCase(random: Random): PollingCase {
  const stage = random.pick<Stage>(['none', 'engine', 'namespace', 'namespace', 'namespace']);
  const roll = random.int(0, 9);
  let attack: Attack;
  if (roll <= 5) {
    const contentType = random.pick([undefined, 'text/plain;charset=UTF-8', 'application/octet-stream', 'application/json', 'text/plain;charset=latin1']);
    attack = { kind: 'post', query: fuzzQuery(random), body: fuzzBody(random), contentType };
  } else if (roll <= 7) {
    attack = { kind: 'get', method: random.pick(['GET', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']), query: fuzzQuery(random) };
  } else {
    attack = { kind: 'raw', request: rawAttack(random) };
  }
  return { stage, attack };
}

/** What the case saw: the status of its malformed request (0: no answer before the deadline), and whether the session answered the probe after it. */
export interface PollingOutcome {
  readonly status: number;
  readonly answered: boolean;
}

/**
 * Runs one case against `port`: opens a session and joins `/` as its stage asks, makes the
 * malformed request (given up after `timeoutMs`), then sends the probe (see PROBE) and
 * polls for its answer, which comes once the session has handled what came before, and
 * closes the session if it still stands. Never rejects.
 */
export async function runPollingCase(port: number, fuzz: PollingCase, timeoutMs: number): Promise<PollingOutcome> {
  let sid = 'none';
  if (fuzz.stage !== 'none') {
    const open = await httpRequest(port, 'GET', '/socket.io/?EIO=4&transport=polling', undefined, {}, 5000);
    const found = /"sid":"([^"]+)"/.exec(open.body);
    if (open.status !== 200 || !found?.[1]) return { status: open.status, answered: false };
    sid = found[1];
    if (fuzz.stage === 'namespace') {
      const path = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
      await httpRequest(port, 'POST', path, '40', { 'content-type': 'text/plain;charset=UTF-8' }, 5000);
      await httpRequest(port, 'GET', path, undefined, {}, 5000);
    }
  }
  const { attack } = fuzz;
  let reply;
  if (attack.kind === 'post') {
    const headers: Record<string, string> = attack.contentType ? { 'content-type': attack.contentType } : {};
    reply = await httpRequest(port, 'POST', `/socket.io/?${attack.query(sid)}`, attack.body, headers, timeoutMs);
  } else if (attack.kind === 'get') {
    reply = await httpRequest(port, attack.method, `/socket.io/?${attack.query(sid)}`, undefined, {}, timeoutMs);
  } else {
    reply = await rawRequest(port, attack.request(sid), timeoutMs);
  }
  let answered = false;
  if (fuzz.stage !== 'none') {
    const path = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
    const probe = PROBE[fuzz.stage === 'namespace' ? 'namespace' : 'engine'];
    const sent = await httpRequest(port, 'POST', path, probe.send, { 'content-type': 'text/plain;charset=UTF-8' }, timeoutMs);
    if (sent.status === 200) {
      // The answer may follow packets the case's request made the server queue.
      for (let polls = 0; polls < 3 && !answered; polls++) {
        const poll = await httpRequest(port, 'GET', path, undefined, {}, timeoutMs);
        if (poll.status !== 200) break;
        answered = poll.body.split(SEPARATOR).some((packet) => packet.startsWith(probe.answer));
      }
    }
    // Close the session (engine.io's close packet) rather than leave it to the ping timeout.
    if (sent.status === 200) await httpRequest(port, 'POST', path, '1', { 'content-type': 'text/plain;charset=UTF-8' }, timeoutMs);
  }
  return { status: reply.status, answered };
}
