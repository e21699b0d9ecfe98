import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sniffType } from '../../src/files/sniff.js';
import { cleanFileName } from '../../src/files/names.js';

test('the type is read from the first bytes: images, PDF, ZIP, text, and anything else a download', () => {
  assert.equal(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
  assert.equal(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffType(Buffer.from('GIF89a....')), 'image/gif');
  assert.equal(sniffType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ')), 'image/webp');
  assert.equal(sniffType(Buffer.from('%PDF-1.7')), 'application/pdf');
  assert.equal(sniffType(Buffer.from([0x50, 0x4b, 0x03, 0x04])), 'application/zip');
  assert.equal(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), 'text/plain', 'SVG is never an image here');
  assert.equal(sniffType(Buffer.from('<html><script>alert(1)</script>')), 'text/plain');
  assert.equal(sniffType(Buffer.from([0xc3, 0x28, 0x00])), 'application/octet-stream');
});

test('a file name keeps no path and no control characters', () => {
  assert.equal(cleanFileName('../../etc/passwd'), 'passwd');
  assert.equal(cleanFileName('C:\\Users\\me\\photo.jpg'), 'photo.jpg');
  assert.equal(cleanFileName('a\u0000b\nc.txt'), 'abc.txt');
  assert.equal(cleanFileName('../'), 'file');
  assert.equal(cleanFileName('x'.repeat(300)).length, 200);
});
