import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { LabelingError } from '../errors';
import { cleanupWorkspaces, tempWorkspace } from '../store/test-support';
import { decodeImage, readImageFile, sniffImageFormat } from './image-decode';

/** A w x h RGBA gradient with a distinct value per pixel and channel. */
function pixels(w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data[i] = (x * 255) / (w - 1);
      data[i + 1] = (y * 255) / (h - 1);
      data[i + 2] = ((x + y) * 127) / (w + h);
      data[i + 3] = 255 - ((x * 3 + y) % 7);
    }
  }
  return data;
}

function png(w: number, h: number, data = pixels(w, h), opts: { colorType?: 0 | 2 | 4 | 6 } = {}): Buffer {
  const p = new PNG({ width: w, height: h, ...(opts.colorType !== undefined ? { colorType: opts.colorType, inputHasAlpha: true } : {}) });
  p.data = Buffer.from(data);
  return PNG.sync.write(p, opts.colorType !== undefined ? { colorType: opts.colorType } : {});
}

function jpg(w: number, h: number, data = pixels(w, h), quality = 95): Buffer {
  return jpeg.encode({ width: w, height: h, data: Buffer.from(data) }, quality).data;
}

const isInvalid = (file: string, message: RegExp) => (e: unknown) => {
  assert.ok(e instanceof LabelingError, String(e));
  assert.equal(e.reason, 'invalid-input');
  assert.equal(e.where.file, file);
  assert.ok(e.message.startsWith(`${file}: `), e.message);
  assert.match(e.message, message);
  return true;
};

describe('image decoding (PNG, JPEG; pure JS)', () => {
  after(cleanupWorkspaces);

  it('decodes a PNG to its exact RGBA pixels', () => {
    const data = pixels(13, 7);
    const out = decodeImage(png(13, 7, data), 'a.png');
    assert.deepEqual([out.width, out.height, out.channels, out.format], [13, 7, 4, 'png']);
    assert.ok(out.data instanceof Uint8Array);
    assert.deepEqual([...out.data], [...data]);
  });

  it('decodes a grey PNG to RGBA with equal colour channels and opaque alpha', () => {
    const data = pixels(6, 5);
    const out = decodeImage(png(6, 5, data, { colorType: 0 }), 'grey.png');
    assert.equal(out.data.length, 6 * 5 * 4);
    for (let i = 0; i < out.data.length; i += 4) {
      assert.equal(out.data[i], out.data[i + 1]);
      assert.equal(out.data[i], out.data[i + 2]);
      assert.equal(out.data[i + 3], 255);
    }
    assert.notEqual(out.data[0], out.data[out.data.length - 4], 'the grey levels of the gradient survive');
  });

  it('decodes a JPEG to RGBA close to the pixels it was encoded from', () => {
    const w = 32;
    const h = 24;
    const data = pixels(w, h);
    const out = decodeImage(jpg(w, h, data), 'b.jpg');
    assert.deepEqual([out.width, out.height, out.channels, out.format], [w, h, 4, 'jpeg']);
    let err = 0;
    for (let i = 0; i < data.length; i++) {
      if (i % 4 === 3) assert.equal(out.data[i], 255, 'JPEG has no alpha');
      else err += Math.abs(out.data[i]! - data[i]!);
    }
    assert.ok(err / (w * h * 3) < 6, `mean absolute error ${err / (w * h * 3)}`);
  });

  it('tells the format from the bytes, not the name', () => {
    assert.equal(sniffImageFormat(png(2, 2)), 'png');
    assert.equal(sniffImageFormat(jpg(8, 8)), 'jpeg');
    assert.equal(sniffImageFormat(Buffer.from('GIF89a')), undefined);
    assert.equal(decodeImage(jpg(8, 8), 'named.png').format, 'jpeg');
  });

  it('a damaged file is an invalid-input error naming it', () => {
    const good = png(20, 20);
    assert.throws(() => decodeImage(good.subarray(0, good.length - 30), 'img/cut.png'), isInvalid('img/cut.png', /cannot decode this PNG file .*damaged or truncated/));
    const bad = Buffer.from(good);
    bad.fill(0x55, 40, 60); // inside the compressed data: a CRC / inflate error
    assert.throws(() => decodeImage(bad, 'img/bad.png'), isInvalid('img/bad.png', /cannot decode this PNG file/));
    const j = jpg(16, 16);
    assert.throws(() => decodeImage(j.subarray(0, 40), 'img/cut.jpg'), isInvalid('img/cut.jpg', /JPEG file.*damaged or truncated/));
    assert.throws(() => decodeImage(png(2, 2).subarray(0, 12), 'img/head.png'), isInvalid('img/head.png', /no image header/));
  });

  it('another format or a non-image says which formats are read', () => {
    const gif = Buffer.from('474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');
    assert.throws(() => decodeImage(gif, 'x.gif'), isInvalid('x.gif', /is a GIF image: the built-in image model reads PNG and JPEG files only/));
    assert.throws(() => decodeImage(Buffer.from('# a readme\n'), 'readme.png'), isInvalid('readme.png', /not a PNG or JPEG image: the built-in image model reads PNG and JPEG files/));
    assert.throws(() => decodeImage(new Uint8Array(0), 'empty.jpg'), isInvalid('empty.jpg', /the file is empty/));
  });

  it('refuses an image over the pixel cap from its header, before decoding', () => {
    assert.throws(() => decodeImage(png(20, 10), 's.png', { maxPixels: 199 }), isInvalid('s.png', /is 20 x 10 pixels \(0\.0 MP\)/));
    assert.equal(decodeImage(png(20, 10), 's.png', { maxPixels: 200 }).width, 20);
    // Headers claiming 10,000 x 8,000 pixels (80 MP) on small files: refused by the default 50 MP cap,
    // not decoded (the PNG's CRC no longer matches and the JPEG's data is far too short).
    const big = Buffer.from(png(4, 4));
    big.writeUInt32BE(10_000, 16);
    big.writeUInt32BE(8_000, 20);
    assert.throws(() => decodeImage(big, 'big.png'), isInvalid('big.png', /10000 x 8000 pixels \(80\.0 MP\): the built-in image model decodes images of at most 50\.0 MP/));
    const bigJpeg = Buffer.from(jpg(8, 8));
    const sof = bigJpeg.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(sof > 0);
    bigJpeg.writeUInt16BE(8_000, sof + 5);
    bigJpeg.writeUInt16BE(10_000, sof + 7);
    assert.throws(() => decodeImage(bigJpeg, 'big.jpg'), isInvalid('big.jpg', /10000 x 8000 pixels \(80\.0 MP\)/));
  });

  it('readImageFile: reads and decodes; a missing file or one over the byte cap is refused with its path', async () => {
    const dir = tempWorkspace();
    const file = path.join(dir, 'c.png');
    fs.writeFileSync(file, png(5, 4));
    const img = await readImageFile(file);
    assert.deepEqual([img.width, img.height], [5, 4]);
    await assert.rejects(readImageFile(file, { maxBytes: 10 }), isInvalid(file, /MB: the built-in image model reads image files of at most/));
    const gone = path.join(dir, 'gone.png');
    await assert.rejects(readImageFile(gone), (e: unknown) => e instanceof LabelingError && e.reason === 'io' && e.message.startsWith(gone) && /no such file/.test(e.message));
    await assert.rejects(readImageFile(dir), isInvalid(dir, /is not a file/));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(readImageFile(file, { signal: ac.signal }), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
  });
});
