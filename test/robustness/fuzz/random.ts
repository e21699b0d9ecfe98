/**
 * A small seeded PRNG (mulberry32) and the picks the fuzzer makes with it. Every case gets
 * its own generator, derived from the run's seed and the case's number, so a case's bytes
 * do not depend on how the concurrent lanes happened to interleave.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator of case `index` of a run: the same seed and index always give the same case. */
  static forCase(seed: number, stream: string, index: number): Random {
    let hash = seed >>> 0;
    for (const char of `${stream}:${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x9e3779b1) >>> 0;
    return new Random(hash ^ (hash >>> 16));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(choices: readonly T[]): T {
    if (choices.length === 0) throw new Error('pick from an empty list');
    return choices[Math.floor(this.next() * choices.length)] as T;
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}
