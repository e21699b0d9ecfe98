import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { makeThumbnail } from '../../src/files/thumbnails.js';

/** A real image made by sharp itself: a gradient-free solid colour is enough to measure sizes. */
const image = (width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif'): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();

const sizeOf = async (bytes: Buffer): Promise<{ width?: number; height?: number; format?: string; pages?: number }> => {
  const { width, height, format, pages } = await sharp(bytes).metadata();
  return { width, height, format, pages };
};

/**
 * A decompression bomb: a real 16x16 PNG whose header is made to declare 60000x60000 pixels
 * (3.6 gigapixels, some 14 GB decoded as RGBA) with its checksum made good again, so that
 * only the pixel limit stops it.
 */
async function pixelBomb(): Promise<Buffer> {
  const png = Buffer.from(await image(16, 16, 'png'));
  // The IHDR chunk: length (4) at 8, type at 12, width at 16, height at 20, its CRC after 13 bytes of data at 29.
  assert.equal(png.toString('ascii', 12, 16), 'IHDR');
  png.writeUInt32BE(60_000, 16);
  png.writeUInt32BE(60_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('makeThumbnail: images fit in 320x320, never enlarged; anything else is no thumbnail', () => {
  test('a 2000x1000 PNG gives a 320x160 WebP thumbnail', async () => {
    const thumbnail = await makeThumbnail(await image(2000, 1000, 'png'), 'image/png');
    assert.ok(thumbnail);
    assert.equal(thumbnail.type, 'image/webp');
    assert.deepEqual(await sizeOf(thumbnail.bytes), { width: 320, height: 160, format: 'webp', pages: undefined });
  });

  test('JPEG, WebP, portrait and square images keep their proportions inside the box', async () => {
    const portrait = await makeThumbnail(await image(600, 1200, 'jpeg'), 'image/jpeg');
    assert.deepEqual(await sizeOf(portrait!.bytes), { width: 160, height: 320, format: 'webp', pages: undefined });
    const square = await makeThumbnail(await image(1000, 1000, 'webp'), 'image/webp');
    assert.deepEqual(await sizeOf(square!.bytes), { width: 320, height: 320, format: 'webp', pages: undefined });
  });

  test('a 10x10 image stays 10x10: never upscaled', async () => {
    const small = await makeThumbnail(await image(10, 10, 'png'), 'image/png');
    assert.ok(small);
    const { width, height } = await sizeOf(small.bytes);
    assert.deepEqual({ width, height }, { width: 10, height: 10 });
  });

  test('an animated GIF gives its first frame only, as a still thumbnail', async () => {
    const frame = (r: number, g: number, b: number) => sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g, b } } }).png().toBuffer();
    const gif = await sharp(await Promise.all([frame(255, 0, 0), frame(0, 255, 0), frame(0, 0, 255)]), { join: { animated: true } })
      .gif({ loop: 0, delay: [100, 100, 100] })
      .toBuffer();
    const animated = await sharp(gif).metadata();
    assert.deepEqual({ format: animated.format, pages: animated.pages }, { format: 'gif', pages: 3 }, 'a real animation of three frames');
    const thumbnail = await makeThumbnail(gif, 'image/gif');
    assert.ok(thumbnail);
    assert.deepEqual(await sizeOf(thumbnail.bytes), { width: 320, height: 240, format: 'webp', pages: undefined }, 'one still frame');
    const { dominant } = await sharp(thumbnail.bytes).stats();
    assert.ok(dominant.r > 200 && dominant.g < 60 && dominant.b < 60, `the first frame is the red one: ${JSON.stringify(dominant)}`);
  });

  test('garbage, a truncated image, and types that are not raster images give undefined', async () => {
    assert.equal(await makeThumbnail(Buffer.from('not an image at all'), 'image/png'), undefined);
    const png = await image(400, 400, 'png');
    assert.equal(await makeThumbnail(png.subarray(0, 60), 'image/png'), undefined, 'truncated');
    assert.equal(await makeThumbnail(Buffer.alloc(0), 'image/jpeg'), undefined, 'empty');
    assert.equal(await makeThumbnail(png, 'application/pdf'), undefined, 'a PDF gets none, whatever its bytes');
    assert.equal(await makeThumbnail(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'), undefined, 'SVG is never rendered');
    assert.equal(await makeThumbnail(png, 'text/plain'), undefined);
  });

  test('a pixel bomb (a tiny PNG declaring 3.6 gigapixels) is refused quickly, and the next image is fine', async () => {
    const bomb = await pixelBomb();
    assert.ok(bomb.length < 1000, `${bomb.length} bytes`);
    const startedAt = Date.now();
    assert.equal(await makeThumbnail(bomb, 'image/png'), undefined);
    assert.ok(Date.now() - startedAt < 2000, `refused in ${Date.now() - startedAt} ms`);
    assert.ok(await makeThumbnail(await image(800, 400, 'png'), 'image/png'), 'the process still makes thumbnails');
  });

  test('a real image over 50 megapixels (that sharp would otherwise decode) is refused from its header', async () => {
    // 8000x7000: 56 MP, under sharp's own default limit (268 MP), over ours; one colour, so it compresses to little.
    const large = await sharp({ create: { width: 8000, height: 7000, channels: 3, background: '#123456' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(large.length < 2 * 1024 * 1024, `${large.length} bytes`);
    assert.equal((await sharp(large, { limitInputPixels: false }).metadata()).width, 8000, 'a valid image');
    const startedAt = Date.now();
    assert.equal(await makeThumbnail(large, 'image/png'), undefined);
    assert.ok(Date.now() - startedAt < 1000, `refused in ${Date.now() - startedAt} ms, before decoding`);
  });

  test('many at once all finish (two at a time), each right', async () => {
    const inputs = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => image(400 + index * 100, 400, 'png')));
    const thumbnails = await Promise.all(inputs.map((bytes) => makeThumbnail(bytes, 'image/png')));
    for (const [index, thumbnail] of thumbnails.entries()) {
      const { width } = await sizeOf(thumbnail!.bytes);
      assert.equal(width, 320, `image ${index}`);
    }
  });
});
