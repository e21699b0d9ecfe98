import { ReadReceipts } from './rooms/receipts.js';
import { createHttpDoorway } from './events/http-doorway.js';
import { BOT_API_PREFIX, createBotDoorway } from './events/bot-doorway.js';
import { createFileDoorway } from './events/file-doorway.js';
import { createExportDoorway } from './events/export-doorway.js';
import { createFileStore } from './files/index.js';
import { FileRemoval } from './files/file-removal.js';
import { createWebhookDoorway } from './events/webhook-doorway.js';
import { Bots } from './integrations/bots.js';
import { Webhooks } from './integrations/webhooks.js';
import { OutgoingWebhooks } from './integrations/outgoing-webhooks.js';
import { RegisteredCommands } from './commands/registered-commands.js';
import { AddressGuard } from './outgoing/address-guard.js';
import { OutgoingDispatcher } from './outgoing/dispatcher.js';
import { PasswordChanges } from './passwords/password-changes.js';
import { RetentionRunner } from './retention/runner.js';
import { Moderation } from './moderation/moderation.js';
import { Restrictions } from './moderation/restrictions.js';
import { Roles } from './moderation/roles.js';
import { instrumentAdminUi } from './operations/admin-ui.js';
import { DeploymentStatistics } from './operations/deployment-stats.js';
import { drainClients } from './operations/drain.js';
import { checkReadiness, type NodeStatus } from './operations/readiness.js';
import { commitBatchSize, instrumentServer, poolMetrics, redisDisconnections, serverRegistry } from './operations/metrics.js';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { Identities } from './accounts/identities.js';
import { IssuedIds } from './auth/issued-ids.js';
import { runConnections } from './connections/lifecycle.js';
import { tutorialWire } from './delivery/tutorial-wire.js';
import { SessionCookies } from './accounts/session-cookies.js';
import { sessionExchange } from './auth/session-exchange.js';
import { createAuthRoutes } from './sso/auth-routes.js';
import { createSsoDoorway } from './events/sso-doorway.js';
import { SingleSignOn } from './sso/single-sign-on.js';
import type { Config } from './config.js';
import { Delivery } from './delivery/delivery.js';
import { createRoomWire } from './delivery/room-wire.js';
import { observeEngine } from './http/engine-events.js';
import { localConnectionSlots, type ConnectionSlots } from './http/connection-slots.js';
import { AdmissionPacer } from './http/admission.js';
import { governAdmission } from './http/admission-governor.js';
import { createEngineGate } from './http/engine-gate.js';
import { corsFor, originMayUseCookie } from './http/origins.js';
import { createRequestHandler } from './http/routes.js';
import { createPresence } from './presence/presence.js';
import { EventDoor } from './events/door.js';
import { EventPipeline } from './events/pipeline.js';
import { InFlight } from './delivery/in-flight.js';
import { Appends } from './delivery/append.js';
import { Prices } from './limits/price.js';
import { handshakePrice } from './limits/handshake-price.js';
import { LoginBackOff } from './accounts/login-back-off.js';
import { DEFAULT_WEB_ROOT } from './http/static-files.js';
import type { Logger } from './log.js';
import { createStore, type WriteChannel } from './store/index.js';
import { DEFAULT_ROOM, type Store } from './store/store.js';
import type { ParleyServer } from './types.js';
import type { AdapterChoice } from './adapter.js';
import { redisCounters } from './limits/shared-counter.js';
import type { RedisLink } from './redis/link.js';

export interface AppOptions {
  readonly config: Config;
  readonly httpServer: HttpServer;
  readonly log: Logger;
  /** From adapter.ts: how this process reaches the other Socket.IO servers, if any. */
  readonly adapter: AdapterChoice;
  /**
   * The deployment's Redis, when PARLEY_REDIS_URL is set: the adapter publishes through it
   * and the user/address limits count in it. The app closes it last.
   */
  readonly redis?: RedisLink;
  /**
   * Makes the body of engine.io session ids (the app appends its signature, see
   * auth/issued-ids.ts); cluster workers encode their index for sticky routing.
   * @default 120 random bits
   */
  readonly generateId?: () => string;
  /** Cluster workers: how to reach the database's shared writer (see store/index.ts). */
  readonly writeChannel?: WriteChannel;
  /** Cluster workers: the node-wide cap on sessions per address. @default counted in this process */
  readonly connectionSlots?: ConnectionSlots;
  /** The node's workers and draining state, from the primary (a cluster worker); a lone process answers for itself. */
  readonly nodeStatus?: () => Promise<NodeStatus>;
  /** This worker's index in its node; undefined for a lone process (src/main.ts). */
  readonly workerIndex?: number;
  /** Where the built web client is. @default dist/web */
  readonly webRoot?: string;
}

export interface App {
  readonly io: ParleyServer;
  readonly store: Store;
  /** From now `/readyz` answers 503 (draining); everything else carries on until `close()`. */
  unready(): void;
  /** Stops taking messages, stores and acknowledges those in flight, closes everything. Idempotent. */
  close(): Promise<void>;
}

/**
 * The composition root: builds the store, the Socket.IO server and the delivery path on
 * an HTTP server it does not own (the caller listens, or hands it connections).
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, httpServer, log } = options;
  const store = await createStore(config.databaseUrl, {
    writeChannel: options.writeChannel,
    log: log.child({ module: 'store' }),
    observeCommit: (items) => commitBatchSize.observe(items),
    pool: {
      size: config.pgPoolSize,
      observer: poolMetrics(serverRegistry, 'parley_pg_pool', { worker: options.workerIndex === undefined ? 'single' : String(options.workerIndex) }),
    },
  });
  const generalRoom = await store.roomByName(DEFAULT_ROOM);
  if (!generalRoom) throw new Error(`the store has no '${DEFAULT_ROOM}' room`);

  // Every worker and node must sign cookies and ids alike: the configured secret, else the database's.
  const secret = config.sessionSecret ?? (await store.accounts.sessionSecret(randomBytes(32).toString('base64url')));
  const cookies = new SessionCookies(secret, config);
  const issuedIds = new IssuedIds(secret);

  let ready = false;
  // Set at SIGTERM by a lone process (src/main.ts) for its pre-stop window; a cluster's primary says it for its workers.
  let draining = false;
  const session = sessionExchange({
    cookies,
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies,
    store,
    log: log.child({ module: 'session' }),
  });
  const computeReadiness = (): ReturnType<typeof checkReadiness> =>
    checkReadiness({
      store,
      redis: options.redis?.client,
      closing: () => !ready || draining,
      node: options.nodeStatus ?? (() => Promise.resolve({ workersReady: ready ? 1 : 0, workers: 1, draining: false })),
    });
  // Replaced at unready(): a result cached before it must not say "ready" during the pre-stop window.
  let readiness = sharedFor(READINESS_CACHE_MS, computeReadiness);
  // Set once the Socket.IO server exists; the HTTP doorway answers only after the start.
  type Doorway = (request: IncomingMessage, response: ServerResponse, path: string) => void;
  const doorway: { serve?: Doorway; bots?: Doorway; webhooks?: Doorway; files?: Doorway; oidc?: Doorway; exports?: Doorway } = {};
  const admin: Doorway = (request, response, path) => {
    if (!doorway.serve) return void response.writeHead(503).end();
    doorway.serve(request, response, path);
  };
  const integrations: Doorway = (request, response, path) => {
    const serve = path.startsWith(BOT_API_PREFIX) ? doorway.bots : doorway.webhooks;
    if (!serve) return void response.writeHead(503).end();
    serve(request, response, path);
  };
  const files: Doorway = (request, response, path) => {
    if (!doorway.files) return void response.writeHead(503).end();
    doorway.files(request, response, path);
  };
  const exports: Doorway = (request, response, path) => {
    if (!doorway.exports) return void response.writeHead(503).end();
    doorway.exports(request, response, path);
  };
  httpServer.on(
    'request',
    createRequestHandler({
      webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
      isReady: () => ready,
      readiness: () => readiness(),
      admin,
      integrations,
      files,
      exports,
      adminUi: config.adminUi !== 'off',
      session,
      auth: createAuthRoutes(config, () => doorway.oidc),
    }),
  );

  const prices = new Prices(config.limits, options.redis && redisCounters(options.redis));
  const pacer = new AdmissionPacer(config.admission);
  const governor = config.admission.lagTargetMs > 0 ? governAdmission(pacer, config.admission.lagTargetMs) : undefined;
  const gate = createEngineGate({
    allowedOrigins: config.allowedOrigins,
    trustedProxies: config.trustedProxies,
    slots: options.connectionSlots ?? localConnectionSlots(config.maxConnectionsPerAddress),
    admit: handshakePrice(prices),
    pacer,
  });
  const io: ParleyServer = new Server(httpServer, {
    adapter: options.adapter.factory,
    connectionStateRecovery: {
      maxDisconnectionDuration: config.recoveryWindowMs,
      // Recovered connections pass through every middleware, like new ones.
      skipMiddlewares: false,
    },
    // Large enough for the longest message in UTF-8 plus framing; larger packets are refused.
    maxHttpBufferSize: Math.max(64 * 1024, config.maxMessageLength * 4 + 1024),
    allowRequest: gate.allowRequest,
    cors: corsFor(config.allowedOrigins),
  });
  gate.attach(io);
  instrumentServer(io, options.workerIndex === undefined ? 'single' : String(options.workerIndex), { redisConnected: options.redis?.connected, admissionsWaiting: () => pacer.waiting, admissionRate: () => pacer.rate });
  options.redis?.onDisconnect(() => redisDisconnections.inc());
  const statistics = new DeploymentStatistics(io, {
    node: config.nodeId,
    worker: options.workerIndex ?? 0,
    workers: options.workerIndex === undefined ? 1 : config.workers,
  });
  if (config.adminUi !== 'off') {
    instrumentAdminUi(io, { mode: config.adminUi, tokens: config.adminTokens, serverId: `${config.nodeId}#${options.workerIndex ?? 0}` });
  }
  const unsignedId = options.generateId ?? (() => randomBytes(15).toString('base64url'));
  io.engine.generateId = () => issuedIds.issue(unsignedId());
  const stopObservingEngine = observeEngine(io, log.child({ module: 'engine' }));
  const identities = new Identities(io, store, log.child({ module: 'identity' }), options.adapter.spansProcesses, cookies);
  // Before the first connection is let in: every handshake asks whether its user is banned.
  const restrictions = new Restrictions(store, log.child({ module: 'moderation' }));
  await restrictions.reload();
  // Before the first await: other servers ask this one about presence as soon as its
  // adapter has said hello, and an unanswered request holds theirs up for 5 s.
  const presence = createPresence(io, { clustered: options.adapter.spansProcesses, log: log.child({ module: 'presence' }) });

  const roomWire = createRoomWire();
  const delivery = new Delivery(io, store, [tutorialWire, roomWire], log.child({ module: 'delivery' }), {
    clustered: options.adapter.spansProcesses,
    acrossNodes: config.redisUrl === undefined ? undefined : { node: config.nodeId },
    catchUpBatchSize: config.catchUpBatchSize,
    maxOutboundBytes: config.maxOutboundBytes,
  });
  await delivery.feed(generalRoom.id).ready;
  options.redis?.onDisconnect(() => delivery.linkLost());
  options.redis?.onReconnect(() => void delivery.resync());
  const inFlight = new InFlight();
  const chatLog = log.child({ module: 'events' });
  const fileStore = createFileStore(config, log.child({ module: 'files' }));
  const fileRemoval = new FileRemoval({ store, files: fileStore, log: log.child({ module: 'files' }), unattachedMs: config.files.unattachedMs });
  const appends = new Appends(store, delivery, roomWire.origins, inFlight, (roomId, target) => fileRemoval.messageDeleted(roomId, target));
  const roles = new Roles(store);
  const moderation = new Moderation({
    io,
    store,
    appends,
    restrictions,
    roles,
    log: log.child({ module: 'moderation' }),
    generalRoomId: generalRoom.id,
  });
  const bots = new Bots({ io, store, log: log.child({ module: 'bots' }) });
  const webhooks = new Webhooks({ store, log: log.child({ module: 'webhooks' }) });
  const pipeline = new EventPipeline({
    io,
    store,
    delivery,
    roomWire,
    appends,
    config,
    log: chatLog,
    generalRoom,
    identities,
    presence,
    prices,
    loginBackOff: new LoginBackOff(prices),
    moderation,
    restrictions,
    statistics,
    issuedIds,
    bots,
    webhooks,
    outgoing: new OutgoingWebhooks({ store, log: log.child({ module: 'outgoing-webhooks' }) }),
    receipts: new ReadReceipts(io, store, config.receiptsMaxMembers),
    files: fileStore,
    passwords: new PasswordChanges({
      io,
      store,
      log: log.child({ module: 'passwords' }),
      resetTtlMs: config.passwordResetTtlMs,
      rankOf: (userId) => roles.of(userId),
    }),
    commands: new RegisteredCommands({
      store,
      appends,
      guard: new AddressGuard(config.webhooks.allowedNetworks),
      log: log.child({ module: 'slash-commands' }),
      timeoutMs: config.commandTimeoutMs,
      maxMessageLength: config.maxMessageLength,
      isIssued: (id) => issuedIds.isIssued(id),
    }),
    sso: config.oidc && new SingleSignOn({ oidc: config.oidc, config, secret, store, cookies, restrictions, log: log.child({ module: 'sso' }) }),
  });
  const door = new EventDoor(pipeline.services, pipeline);
  const retention = new RetentionRunner({
    store,
    appends,
    log: log.child({ module: 'retention' }),
    globalDays: config.retentionDays,
    intervalMs: config.retentionIntervalMs,
  });
  retention.start();
  fileRemoval.start();
  doorway.serve = createHttpDoorway({ tokens: config.adminTokens, pipeline, log });
  doorway.bots = createBotDoorway({ pipeline, log });
  doorway.webhooks = createWebhookDoorway(pipeline);
  doorway.files = createFileDoorway({ pipeline });
  if (config.oidc) doorway.oidc = createSsoDoorway({ pipeline });
  doorway.exports = createExportDoorway({ pipeline });

  // From here connections are let in: their whole life is in src/connections/lifecycle.ts.
  runConnections(io, {
    ids: issuedIds,
    cookies,
    mayUseCookie: (request) => originMayUseCookie(request, config.allowedOrigins, config.trustedProxies),
    store,
    identities,
    bots,
    refusal: restrictions.refuseBanned,
    door,
    delivery,
    generalRoomId: generalRoom.id,
    trustedProxies: config.trustedProxies,
    log: log.child({ module: 'connections' }),
  });
  const dispatcher = new OutgoingDispatcher({
    store,
    appends,
    guard: new AddressGuard(config.webhooks.allowedNetworks),
    log: log.child({ module: 'outgoing-webhooks' }),
    unavailable: pipeline.unavailable,
    ...config.webhooks,
  });
  dispatcher.start();
  ready = true;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    ready = false;
    // Clients leave a share at a time, to other nodes; what they had in flight is finished
    // below, and a message cut off on its way is sent again by its client elsewhere.
    const drained = await drainClients(io, config.drainMs);
    if (drained > 0) log.info({ clients: drained, windowMs: config.drainMs }, 'clients told to reconnect elsewhere');
    await retention.close();
    await fileRemoval.close();
    await withTimeout(inFlight.close(), config.shutdownTimeoutMs);
    // Its deliveries in flight settle while the store is still open.
    await withTimeout(dispatcher.close(), config.shutdownTimeoutMs);
    delivery.flush();
    // While the adapter still reaches the others: a coordinator hands over before it goes.
    presence.close();
    // Closing the transports (not disconnectSockets) lets clients reconnect elsewhere.
    await new Promise<void>((resolve) => io.close(() => resolve()));
    identities.close();
    statistics.close();
    restrictions.close();
    door.close();
    stopObservingEngine();
    governor?.stop();
    delivery.close();
    await store.close();
    await options.redis?.close();
  };
  return {
    io,
    store,
    unready: () => {
      draining = true;
      readiness = sharedFor(READINESS_CACHE_MS, computeReadiness);
    },
    close: () => (closing ??= close()),
  };
}

/** Readiness is checked at most once a second, however often `/readyz` is asked. */
const READINESS_CACHE_MS = 1000;

/** `compute`, shared by every caller for `ms` after it settles (and while it runs). */
function sharedFor<T>(ms: number, compute: () => Promise<T>): () => Promise<T> {
  let last: { value: Promise<T>; at: number } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at < ms) return last.value;
    const value = compute();
    last = { value, at: now };
    return value;
  };
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
