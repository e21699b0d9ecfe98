import type { default as Sharp } from 'sharp';

/** The box a thumbnail fits in, in pixels: a chat column's image, sharp on a 2x screen. */
const BOX = 320;

/**
 * The most pixels an image may declare to be decoded at all: 50 megapixels, above a 48 MP
 * phone camera's photo. A PNG of a few kilobytes can declare gigapixels (a decompression
 * bomb); sharp reads the declared size from the header and refuses before decoding.
 */
const MAX_INPUT_PIXELS = 50_000_000;

/** The longest one thumbnail may take before it is given up (sharp stops the work itself). */
const TIMEOUT_SECONDS = 10;

/**
 * Thumbnails made at once by this process. sharp works on libuv's thread pool, off the event
 * loop, but that pool (4 threads) also serves file reads, DNS and password hashing: a burst
 * of uploads must not take all of it. Two at once, the rest wait their turn.
 */
const AT_ONCE = 2;

const TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

let loaded: Promise<typeof Sharp> | undefined;

/**
 * sharp, loaded by the first thumbnail of a process (some 500 ms and 30 MB: a worker that
 * never makes one does not pay it), with its process-wide settings, which only this module
 * relies on: one libvips thread per image, so that AT_ONCE bounds the threads too; and no
 * operation cache, since each thumbnail is made once and the cache would keep decoded images.
 */
function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

/** Runs at most `limit` tasks at once; the others wait in order. */
class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

// One per process: the thread pool it spares is the process's, and makeThumbnail's
// signature (bytes, type) is shared with the endpoint that calls it.
const turns = new Turns(AT_ONCE);

/**
 * A thumbnail of an uploaded image: PNG, JPEG, GIF (its first frame) or WebP (its first
 * frame), turned upright by its EXIF orientation, scaled to fit in 320x320 keeping its
 * proportions and never enlarged, as WebP (which keeps transparency). Undefined for any
 * other type, for bytes that do not decode, and for an image over 50 megapixels (refused
 * from its header, before any decoding).
 */
export async function makeThumbnail(bytes: Buffer, type: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  if (!TYPES.has(type)) return undefined;
  try {
    const sharp = await loadSharp();
    const thumbnail = await turns.run(() =>
      sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1, failOn: 'error' })
        .autoOrient()
        .resize(BOX, BOX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .timeout({ seconds: TIMEOUT_SECONDS })
        .toBuffer(),
    );
    return { bytes: thumbnail, type: 'image/webp' };
  } catch {
    // Undecodable, too large, or too slow: the caller serves no thumbnail (or the original).
    return undefined;
  }
}
