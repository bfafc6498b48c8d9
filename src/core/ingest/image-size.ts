/** Image sizes read lazily from file headers (never at ingest). */
import * as fs from 'node:fs';
import { imageSize } from 'image-size';

const HEADER_BYTES = 256 * 1024;

/** Width and height of an image from its header (EXIF rotation applied), or undefined if unreadable. */
export function readImageSize(file: string): { width: number; height: number } | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(HEADER_BYTES);
    const n = fs.readSync(fd, buf, 0, HEADER_BYTES, 0);
    let size: { width?: number; height?: number; orientation?: number };
    try {
      size = imageSize(buf.subarray(0, n));
    } catch {
      // Some JPEGs put the frame header after large metadata: read the whole file once.
      size = imageSize(fs.readFileSync(file));
    }
    if (!size.width || !size.height) return undefined;
    const swap = size.orientation !== undefined && size.orientation >= 5;
    return swap ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
