/**
 * Transport encoding of a class-index mask raster (semantic segmentation) for the webview -> host
 * message: row-major runs over the whole raster, `[value, length, value, length, ...]`, where value is
 * the class index (0 unlabeled, 1..N label classes, 255 ignore) and length the number of consecutive
 * pixels with it, reading row after row (a run may continue onto the next row). A 4,000 x 3,000 mask of
 * a few regions is a few thousand numbers instead of 12 MB, and JSON carries it as is.
 *
 * Pure and DOM-free: the webview encodes, the host decodes and validates (a message is untrusted
 * input: every problem names the field and the run).
 */

/** The most pixels a transported mask may have (the same limit as the core's mask rasters: 50 MP). */
export const MAX_TRANSPORT_PIXELS = 50_000_000;
export const IGNORE_INDEX = 255;

/** The mask as the webview sends it. */
export interface MaskRunsMessage {
  width: number;
  height: number;
  /** `[value, length, ...]` row-major runs covering exactly width x height pixels. */
  runs: number[];
}

export class MaskTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaskTransportError';
  }
}

export interface DecodeRunsOptions {
  /** When given, class indices above it are refused (except 255 when allowIgnore). */
  classCount?: number;
  /** Accept 255 (ignore) even when classCount is given. Default true. */
  allowIgnore?: boolean;
  /** Prefix of every error message, e.g. "mask of images/cat.png". Default "mask". */
  what?: string;
}

/** The row-major runs of `raster`: adjacent runs always differ in value; an empty raster has no runs. */
export function encodeRuns(raster: Uint8Array): number[] {
  const runs: number[] = [];
  const n = raster.length;
  let i = 0;
  while (i < n) {
    const v = raster[i]!;
    let j = i + 1;
    while (j < n && raster[j] === v) j++;
    runs.push(v, j - i);
    i = j;
  }
  return runs;
}

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || width < 1) throw new MaskTransportError(`${what}: width must be a positive integer, not ${String(width)}`);
  if (!Number.isInteger(height) || height < 1) throw new MaskTransportError(`${what}: height must be a positive integer, not ${String(height)}`);
  if (width * height > MAX_TRANSPORT_PIXELS) {
    throw new MaskTransportError(`${what}: a ${width} x ${height} mask has ${width * height} pixels, over the limit of ${MAX_TRANSPORT_PIXELS}`);
  }
}

/**
 * The `width` x `height` raster of `runs`. Throws a MaskTransportError naming the run when a value is
 * not a class index (an integer 0..255, or over classCount), a length is not a positive integer, or the
 * runs do not cover exactly width x height pixels.
 */
export function decodeRuns(runs: readonly number[], width: number, height: number, opts: DecodeRunsOptions = {}): Uint8Array {
  const what = opts.what ?? 'mask';
  checkSize(width, height, what);
  if (!Array.isArray(runs)) throw new MaskTransportError(`${what}: runs must be an array of [value, length] numbers`);
  if (runs.length % 2 !== 0) throw new MaskTransportError(`${what}: runs must hold value, length pairs; it has an odd count (${runs.length})`);
  const n = width * height;
  const allowIgnore = opts.allowIgnore ?? true;
  const max = opts.classCount;
  const out = new Uint8Array(n);
  let pos = 0;
  for (let k = 0; k < runs.length; k += 2) {
    const v = runs[k];
    const len = runs[k + 1];
    const run = k / 2;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
      throw new MaskTransportError(`${what}: run ${run} has value ${JSON.stringify(v)}; a class index is an integer 0..255`);
    }
    if (max !== undefined && v > max && !(v === IGNORE_INDEX && allowIgnore)) {
      const allowed = `0 (unlabeled)${max ? `, 1..${max}` : ''}${allowIgnore ? ' or 255 (ignore)' : ''}`;
      throw new MaskTransportError(`${what}: run ${run} has class index ${v}; a mask of ${max} classes takes ${allowed}`);
    }
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 1) {
      throw new MaskTransportError(`${what}: run ${run} has length ${JSON.stringify(len)}; a length is a positive integer`);
    }
    if (pos + len > n) {
      throw new MaskTransportError(`${what}: the runs cover more than the ${n} pixels of a ${width} x ${height} mask (run ${run} ends at pixel ${pos + len})`);
    }
    if (v !== 0) out.fill(v, pos, pos + len);
    pos += len;
  }
  if (pos !== n) throw new MaskTransportError(`${what}: the runs cover ${pos} of the ${n} pixels of a ${width} x ${height} mask`);
  return out;
}

/** The message form of a raster. */
export function maskMessage(raster: Uint8Array, width: number, height: number): MaskRunsMessage {
  if (raster.length !== width * height) {
    throw new MaskTransportError(`mask: a ${width} x ${height} mask needs ${width * height} class indices, it has ${raster.length}`);
  }
  return { width, height, runs: encodeRuns(raster) };
}

/** Validates an untrusted message (fields named in errors) and decodes it. */
export function decodeMaskMessage(msg: unknown, opts: DecodeRunsOptions = {}): { width: number; height: number; raster: Uint8Array } {
  const what = opts.what ?? 'mask';
  if (typeof msg !== 'object' || msg === null) throw new MaskTransportError(`${what}: expected an object with width, height and runs`);
  const m = msg as Record<string, unknown>;
  for (const f of ['width', 'height'] as const) {
    if (typeof m[f] !== 'number') throw new MaskTransportError(`${what}: field "${f}" must be a number, not ${JSON.stringify(m[f]) ?? 'undefined'}`);
  }
  if (!Array.isArray(m.runs)) throw new MaskTransportError(`${what}: field "runs" must be an array`);
  const width = m.width as number;
  const height = m.height as number;
  return { width, height, raster: decodeRuns(m.runs as number[], width, height, opts) };
}
