import net from 'node:net';

/**
 * A TCP proxy of the test's own in front of a service (PostgreSQL, Redis), so that a test
 * can cut the service off from Parley without touching the shared server: `cut()` destroys
 * every connection through it and refuses new ones until `restore()`.
 */
export interface TcpProxy {
  /** The port Parley connects to instead of the service's. */
  readonly port: number;
  /** Drops every open connection and refuses new ones. */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  /** Connections forwarded so far (a test checks that traffic went through it). */
  readonly connectionsSeen: number;
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 to `targetPort` on 127.0.0.1. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let cutOff = false;
  let seen = 0;
  const server = net.createServer((inbound) => {
    if (cutOff) {
      inbound.destroy();
      return;
    }
    seen += 1;
    const outbound = net.connect(targetPort, '127.0.0.1');
    open.add(inbound);
    open.add(outbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
      open.delete(inbound);
      open.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const cut = (): void => {
    cutOff = true;
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port,
    cut,
    restore() {
      cutOff = false;
    },
    get connectionsSeen() {
      return seen;
    },
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `url` (a database's or Redis's) through `proxy`: the same address but for the proxy's port. */
export function throughProxy(proxy: Pick<TcpProxy, 'port'>): (url: string) => string {
  return (url) => {
    const through = new URL(url);
    through.port = String(proxy.port);
    return through.toString();
  };
}
