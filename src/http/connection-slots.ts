/**
 * The cap on open Socket.IO sessions per client address. A session takes a slot at its
 * handshake and gives it back when it closes. In a cluster the primary holds the counts
 * for all of its workers (cluster/slot-channel.ts); one process counts for itself.
 */
export interface ConnectionSlots {
  /** Takes a slot for `address`; false when the address holds its maximum already. */
  acquire(address: string): Promise<boolean>;
  /** Gives back a slot `acquire` granted. */
  release(address: string): void;
}

/**
 * Counts slots per address, remembering which holder (a worker) took each, so that all of
 * a holder's slots can be given back at once when it dies.
 */
export class AddressSlots<Holder> {
  private readonly byAddress = new Map<string, number>();
  private readonly byHolder = new Map<Holder, Map<string, number>>();

  constructor(private readonly maxPerAddress: number) {}

  acquire(holder: Holder, address: string): boolean {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.maxPerAddress) return false;
    this.byAddress.set(address, held + 1);
    const mine = this.byHolder.get(holder) ?? new Map<string, number>();
    mine.set(address, (mine.get(address) ?? 0) + 1);
    this.byHolder.set(holder, mine);
    return true;
  }

  release(holder: Holder, address: string, count = 1): void {
    const mine = this.byHolder.get(holder);
    const ownHeld = mine?.get(address) ?? 0;
    // Only what this holder took: a stray or repeated release cannot free another's slots.
    const freed = Math.min(count, ownHeld);
    if (!mine || freed === 0) return;
    if (ownHeld === freed) mine.delete(address);
    else mine.set(address, ownHeld - freed);
    if (mine.size === 0) this.byHolder.delete(holder);
    const left = (this.byAddress.get(address) ?? 0) - freed;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }

  /** Gives back every slot `holder` took (a worker that died). */
  releaseAll(holder: Holder): void {
    for (const [address, count] of [...(this.byHolder.get(holder) ?? [])]) this.release(holder, address, count);
  }

  /** Slots `address` holds now. */
  held(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
}

/** Slots counted in this process alone: the single-process server (main.ts). */
export function localConnectionSlots(maxPerAddress: number): ConnectionSlots {
  const slots = new AddressSlots<'local'>(maxPerAddress);
  return {
    acquire: (address) => Promise.resolve(slots.acquire('local', address)),
    release: (address) => slots.release('local', address),
  };
}
