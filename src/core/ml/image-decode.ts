/**
 * PNG and JPEG files to decoded RGBA pixels (an ImageInput for image-features.ts), in pure JavaScript
 * (`pngjs`, `jpeg-js`): no native module to rebuild per VS Code version, and it runs in a worker thread.
 *
 * The format is told by the file's first bytes, not its name. Before any pixel is decoded the size is
 * read from the header (PNG's IHDR, JPEG's frame header) and an image over `maxPixels` (default 50
 * megapixels: 200 MB of RGBA) is refused, as is a file over `maxBytes` (default 256 MB) before it is
 * read, so one huge file cannot exhaust the worker's memory. Any problem is an 'invalid-input' (or 'io')
 * LabelingError naming the file and saying which formats are read.
 *
 * EXIF orientation is not applied: training and inference both see the stored pixels, so they agree.
 */
import { promises as fsp } from 'node:fs';
import { imageSize } from 'image-size';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ioError, LabelingError, throwIfAborted } from '../errors';
import type { ImageInput } from './image-features';

export const DEFAULT_MAX_PIXELS = 50_000_000;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
const SUPPORTED = 'the built-in image model reads PNG and JPEG files';

export type DecodedFormat = 'png' | 'jpeg';

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 50,000,000). */
  maxPixels?: number;
}

export interface ReadImageOptions extends DecodeOptions {
  /** Refuse files larger than this many bytes before reading them (default 256 MB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** An RGBA image: 4 bytes per pixel, row by row. */
export interface DecodedImage extends ImageInput {
  channels: 4;
  data: Uint8Array;
  format: DecodedFormat;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** 'png' or 'jpeg' from the first bytes, else undefined. */
export function sniffImageFormat(bytes: Uint8Array): DecodedFormat | undefined {
  if (bytes.length >= 8 && PNG_MAGIC.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

const invalid = (file: string, message: string) => new LabelingError('invalid-input', message, { file });

/** Width and height from the header, before decoding. */
function headerSize(bytes: Uint8Array, format: DecodedFormat, file: string): { width: number; height: number } {
  if (format === 'png') {
    // Signature, then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), big-endian.
    const ihdr = bytes.length >= 24 && String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!) === 'IHDR';
    if (!ihdr) throw invalid(file, 'cannot decode this PNG file: it has no image header (IHDR); the file is damaged or truncated');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  try {
    const s = imageSize(bytes);
    if (s.width && s.height) return { width: s.width, height: s.height };
  } catch {
    // fall through
  }
  throw invalid(file, 'cannot decode this JPEG file: no frame header with its size; the file is damaged or truncated');
}

function checkPixels(width: number, height: number, maxPixels: number, file: string): void {
  if (!(width >= 1 && height >= 1)) throw invalid(file, `the header gives a size of ${width} x ${height} pixels: the file is damaged`);
  if (width * height > maxPixels) {
    const mp = (n: number) => `${(n / 1e6).toFixed(1)} MP`;
    throw invalid(file, `is ${width} x ${height} pixels (${mp(width * height)}): the built-in image model decodes images of at most ${mp(maxPixels)}`);
  }
}

/** What an image file that is not PNG or JPEG is, in the message (image-size knows many formats). */
function unsupported(bytes: Uint8Array, file: string): LabelingError {
  if (!bytes.length) return invalid(file, `the file is empty: ${SUPPORTED}`);
  let type: string | undefined;
  try {
    type = imageSize(bytes).type;
  } catch {
    type = undefined;
  }
  return invalid(file, type ? `is a ${type.toUpperCase()} image: ${SUPPORTED} only` : `not a PNG or JPEG image: ${SUPPORTED}`);
}

/** Decodes PNG or JPEG bytes to RGBA; `file` names the file in every message. */
export function decodeImage(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): DecodedImage {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffImageFormat(bytes);
  if (!format) throw unsupported(bytes, file);
  const size = headerSize(bytes, format, file);
  checkPixels(size.width, size.height, maxPixels, file);
  let out: { width: number; height: number; data: Uint8Array };
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      out = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } else {
      out = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: maxPixels / 1e6,
        // RGBA out plus the decoder's per-component planes.
        maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 8) / 2 ** 20)),
      });
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new LabelingError('invalid-input', `cannot decode this ${format === 'png' ? 'PNG' : 'JPEG'} file (${why}): the file is damaged or truncated`, { file }, { cause: e });
  }
  checkPixels(out.width, out.height, maxPixels, file);
  if (out.data.length !== out.width * out.height * 4) {
    throw invalid(file, `decoded ${out.data.length} bytes for ${out.width} x ${out.height} RGBA pixels: the file is damaged`);
  }
  return { width: out.width, height: out.height, channels: 4, data: out.data, format };
}

/** Reads and decodes an image file (see decodeImage); a file over `maxBytes` is refused unread. */
export async function readImageFile(file: string, opts: ReadImageOptions = {}): Promise<DecodedImage> {
  throwIfAborted(opts.signal);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  let bytes: Uint8Array;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) throw invalid(file, 'is not a file');
    if (st.size > maxBytes) throw invalid(file, `is ${(st.size / 2 ** 20).toFixed(1)} MB: the built-in image model reads image files of at most ${(maxBytes / 2 ** 20).toFixed(0)} MB`);
    bytes = await fsp.readFile(file, opts.signal ? { signal: opts.signal } : {});
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throwIfAborted(opts.signal);
    throw ioError('cannot read the image', file, e);
  }
  throwIfAborted(opts.signal);
  return decodeImage(bytes, file, opts);
}
