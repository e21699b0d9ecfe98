import net from 'node:net';

/**
 * A TCP proxy in front of a Parley server that can stop its replies from reaching the
 * clients while still forwarding what the clients send: the lost-acknowledgement window
 * of a crash (the server stored a message and answered, the answer never arrived), held
 * open for as long as a test needs, on both transports.
 */
export interface ReplyGate {
  /** The port clients connect to instead of the server's. */
  readonly port: number;
  /** From now on, everything the server sends is dropped; what clients send still goes through. */
  holdReplies(): void;
  /** Drops every open connection (and whatever was held) and forwards both ways again. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a gate on a free port of 127.0.0.1 to `targetPort` on 127.0.0.1. */
export async function startReplyGate(targetPort: number): Promise<ReplyGate> {
  const open = new Set<net.Socket>();
  let holding = false;
  const server = net.createServer((inbound) => {
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
    outbound.on('data', (chunk: Buffer) => {
      if (!holding) inbound.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const reset = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
    holding = false;
  };
  return {
    port,
    holdReplies() {
      holding = true;
    },
    reset,
    async close() {
      reset();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
