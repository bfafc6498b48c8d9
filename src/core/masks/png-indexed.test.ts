import { strict as assert } from 'node:assert';
import { deflateSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { LabelingError } from '../errors';
import { crc32, decodeIndexedPng, encodeIndexedPng } from './png-indexed';
import type { ClassRaster } from './raster';
import { syntheticMask } from './test-support';
import { VOC_PALETTE, vocIndexOf } from './voc-palette';

const FILE = 'masks/abc.png';

const isInvalid = (message: RegExp) => (e: unknown) => {
  assert.ok(e instanceof LabelingError, String(e));
  assert.equal(e.reason, 'invalid-input');
  assert.equal(e.where.file, FILE);
  assert.ok(e.message.startsWith(`${FILE}: `), e.message);
  assert.match(e.message, message);
  return true;
};

/** Every index 0..255 once, in a 16 x 16 raster. */
const allIndices = (): ClassRaster => ({ width: 16, height: 16, data: Uint8Array.from({ length: 256 }, (_, i) => i) });

function chunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  Buffer.from(data).copy(b, 8);
  b.writeUInt32BE(crc32(b, 4, 8 + data.length), 8 + data.length);
  return b;
}

/** A PNG from already filtered scanlines (filter byte + row), for decoder cases the encoder never writes. */
function buildPng(width: number, height: number, scanlines: Uint8Array, opts: { colour?: number; depth?: number; paletteSize?: number } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = opts.depth ?? 8;
  ihdr[9] = opts.colour ?? 3;
  const plte = new Uint8Array((opts.paletteSize ?? 256) * 3).map((_, i) => i % 251);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Row y of `r` filtered with PNG filter `f` (3 Average, 4 Paeth computed by the spec's formulas). */
function filterRow(r: ClassRaster, y: number, f: number): number[] {
  const px = (x: number, yy: number) => (x < 0 || yy < 0 ? 0 : r.data[yy * r.width + x]!);
  const out = [f];
  for (let x = 0; x < r.width; x++) {
    const a = px(x - 1, y);
    const b = px(x, y - 1);
    const c = px(x - 1, y - 1);
    let pred = 0;
    if (f === 1) pred = a;
    if (f === 2) pred = b;
    if (f === 3) pred = Math.floor((a + b) / 2);
    if (f === 4) {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    out.push((px(x, y) - pred) & 0xff);
  }
  return out;
}

/** The filter type byte of each scanline of our own PNG (single IDAT). */
function filterTypes(png: Uint8Array, width: number, height: number): number[] {
  const buf = Buffer.from(png);
  let pos = 8;
  while (buf.toString('latin1', pos + 4, pos + 8) !== 'IDAT') pos += 12 + buf.readUInt32BE(pos);
  const raw = inflateSync(buf.subarray(pos + 8, pos + 8 + buf.readUInt32BE(pos)));
  return Array.from({ length: height }, (_, y) => raw[y * (width + 1)]!);
}

describe('masks: indexed-colour PNG', () => {
  it('crc32 is the PNG/ISO 3309 CRC', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
  });

  it('round trips a mask with every class index, both filter modes, and is deterministic', () => {
    for (const r of [allIndices(), syntheticMask(640, 480, { ignoreBorder: true }), { width: 1, height: 1, data: Uint8Array.of(3) }]) {
      for (const filter of ['none', 'adaptive'] as const) {
        const png = encodeIndexedPng(r, { filter });
        const back = decodeIndexedPng(png, FILE);
        assert.equal(back.width, r.width);
        assert.equal(back.height, r.height);
        assert.deepEqual(back.data, r.data);
        assert.deepEqual(back.palette, VOC_PALETTE);
        assert.deepEqual(encodeIndexedPng(r, { filter }), png);
      }
    }
  });

  it('writes colour type 3, bit depth 8, the VOC palette, and only the tRNS asked for', () => {
    const png = Buffer.from(encodeIndexedPng(allIndices()));
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.equal(png[24], 8, 'bit depth');
    assert.equal(png[25], 3, 'colour type');
    assert.equal(png.indexOf('tRNS'), -1);
    assert.notEqual(Buffer.from(encodeIndexedPng(allIndices(), { transparentUnlabeled: true })).indexOf('tRNS'), -1);
  });

  it('adaptive filtering really picks Sub and Up rows; none writes only None', () => {
    // Row 0 is a ramp (Sub wins), row 1 zeros (None wins, ties keep None), row 3 repeats row 2's noise (Up wins).
    const w = 64;
    const data = new Uint8Array(w * 4);
    for (let x = 0; x < w; x++) data[x] = x;
    for (let y = 2; y < 4; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x * 37) % 23;
    const r = { width: w, height: 4, data };
    const types = filterTypes(encodeIndexedPng(r, { filter: 'adaptive' }), w, 4);
    assert.deepEqual([types[0], types[1], types[3]], [1, 0, 2]);
    assert.deepEqual(filterTypes(encodeIndexedPng(r), w, 4), [0, 0, 0, 0]);
  });

  it('pngjs reads the same pixels back: its RGBA mapped through the VOC palette gives our indices', () => {
    const r = syntheticMask(320, 240, { ignoreBorder: true });
    r.data.set(allIndices().data, 0); // every index somewhere
    const png = PNG.sync.read(Buffer.from(encodeIndexedPng(r)), { skipRescale: true });
    assert.equal(png.width, 320);
    assert.equal(png.height, 240);
    const meta = png as unknown as { colorType: number; depth: number };
    assert.equal(meta.colorType, 3);
    assert.equal(meta.depth, 8);
    const indices = new Uint8Array(320 * 240);
    for (let i = 0; i < indices.length; i++) {
      const [red, green, blue, alpha] = png.data.subarray(i * 4, i * 4 + 4);
      assert.equal(alpha, 255);
      indices[i] = vocIndexOf(red!, green!, blue!)!;
    }
    assert.deepEqual(indices, r.data);
  });

  it('pngjs sees unlabeled pixels transparent with transparentUnlabeled', () => {
    const png = PNG.sync.read(Buffer.from(encodeIndexedPng({ width: 3, height: 1, data: Uint8Array.of(0, 1, 255) }, { transparentUnlabeled: true })));
    assert.deepEqual(Array.from(png.data), [0, 0, 0, 0, 128, 0, 0, 255, 224, 224, 192, 255]);
  });

  it('decodes rows filtered with Sub, Up, Average and Paeth (written by other encoders)', () => {
    const r = syntheticMask(40, 30, { jitter: 5, ignoreBorder: true });
    for (let i = 0; i < r.data.length; i += 7) r.data[i] = (i * 13) % 256; // noise so every predictor matters
    const rows = Array.from({ length: r.height }, (_, y) => filterRow(r, y, y % 5)).flat();
    const back = decodeIndexedPng(buildPng(r.width, r.height, Uint8Array.from(rows)), FILE);
    assert.deepEqual(back.data, r.data);
  });

  it('refuses indices with no colour when encoding, and a raster of the wrong length', () => {
    const palette = VOC_PALETTE.slice(0, 4);
    assert.throws(() => encodeIndexedPng({ width: 2, height: 1, data: Uint8Array.of(1, 4) }, { palette }), /class index 4 has no colour in a palette of 4 entries/);
    assert.throws(() => encodeIndexedPng({ width: 3, height: 2, data: new Uint8Array(5) }), /a 3 x 2 mask needs 6 class indices, it has 5 bytes/);
  });

  describe('bad files name the file and say what is wrong', () => {
    const good = Buffer.from(encodeIndexedPng(syntheticMask(64, 48)));

    it('not a PNG', () => assert.throws(() => decodeIndexedPng(Buffer.from('GIF89a....'), FILE), isInvalid(/not a PNG file/)));

    it('truncated anywhere', () => {
      for (const n of [8, 20, 40, good.length - 20, good.length - 4]) {
        assert.throws(() => decodeIndexedPng(good.subarray(0, n), FILE), isInvalid(/truncated/), `cut at ${n}`);
      }
    });

    it('a flipped byte fails the CRC check', () => {
      const bad = Buffer.from(good);
      bad[good.indexOf('IDAT') + 10]! ^= 0x40;
      assert.throws(() => decodeIndexedPng(bad, FILE), isInvalid(/chunk IDAT at byte \d+ fails its CRC check/));
    });

    it('another colour type or bit depth', () => {
      const rgb = new PNG({ width: 2, height: 2 });
      rgb.data = Buffer.alloc(16, 200);
      assert.throws(() => decodeIndexedPng(PNG.sync.write(rgb, { colorType: 2 }), FILE), isInvalid(/truecolour \(RGB\) \(colour type 2\) at bit depth 8; a mask must be an indexed-colour PNG \(colour type 3, bit depth 8\)/));
      assert.throws(() => decodeIndexedPng(buildPng(8, 1, new Uint8Array(2), { depth: 1 }), FILE), isInvalid(/colour type 3\) at bit depth 1/));
      assert.throws(() => decodeIndexedPng(buildPng(2, 1, new Uint8Array(3), { colour: 0 }), FILE), isInvalid(/greyscale \(colour type 0\)/));
    });

    it('an index beyond the palette, image data of the wrong length, a bad filter type', () => {
      assert.throws(() => decodeIndexedPng(buildPng(2, 1, Uint8Array.of(0, 1, 9), { paletteSize: 4 }), FILE), isInvalid(/pixel \(1, 0\) has index 9, beyond the palette's 4 entries/));
      assert.throws(() => decodeIndexedPng(buildPng(4, 2, Uint8Array.of(0, 1, 2, 3, 4)), FILE), isInvalid(/image data has 5 bytes, a 4 x 2 indexed image needs 10/));
      assert.throws(() => decodeIndexedPng(buildPng(2, 1, Uint8Array.of(7, 0, 0)), FILE), isInvalid(/row 0 has filter type 7/));
    });

    it('too many pixels, before inflating', () => {
      assert.throws(() => decodeIndexedPng(good, FILE, 1000), isInvalid(/64 x 48 \(3072 pixels\), over the limit of 1000 pixels/));
    });
  });
});
