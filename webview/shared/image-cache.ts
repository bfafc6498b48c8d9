/**
 * Images decoded ahead of time (the labeler's prefetch of upcoming items), by URI, so an editor that
 * shows one next draws from the decoded element instead of fetching and decoding it again.
 *
 * A decoded <img> does not help a canvas: its first drawImage decodes the file again on the main thread
 * (126-151 ms for a 4000 x 3000 PNG in Chromium). For the next few items the prefetch also keeps an
 * ImageBitmap made from the decoded element (createImageBitmap, off the main thread), which a canvas
 * draws at once (3-4 ms). A bitmap is closed when it is forgotten or replaced: an editor must look it up
 * (heldBitmap) each time it draws rather than keep it.
 */
const decoded = new Map<string, HTMLImageElement>();
const bitmaps = new Map<string, ImageBitmap>();

export function rememberDecoded(uri: string, img: HTMLImageElement): void {
  decoded.set(uri, img);
}

/** Forgets the decoded element and closes the bitmap held for this URI, if any. */
export function forgetDecoded(uri: string): void {
  decoded.delete(uri);
  forgetBitmap(uri);
}

/** The decoded image for this URI, if one was prefetched and is still held. */
export function decodedImage(uri: string): HTMLImageElement | undefined {
  const img = decoded.get(uri);
  return img?.complete && img.naturalWidth > 0 ? img : undefined;
}

/** Holds a bitmap of this URI's image (closing the one it replaces). */
export function rememberBitmap(uri: string, bitmap: ImageBitmap): void {
  const old = bitmaps.get(uri);
  if (old && old !== bitmap) old.close();
  bitmaps.set(uri, bitmap);
}

/** Closes and forgets the bitmap held for this URI, if any. */
export function forgetBitmap(uri: string): void {
  bitmaps.get(uri)?.close();
  bitmaps.delete(uri);
}

/** The bitmap held for this URI, if any (a closed one, 0 x 0, is not returned). */
export function heldBitmap(uri: string): ImageBitmap | undefined {
  const b = bitmaps.get(uri);
  return b && b.width > 0 ? b : undefined;
}

/** The URIs bitmaps are held for (tests: the memory held stays bounded). */
export function bitmapUris(): string[] {
  return [...bitmaps.keys()];
}
