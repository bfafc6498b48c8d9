/**
 * Images decoded ahead of time (the labeler's prefetch of upcoming items), by URI, so an editor that
 * shows one next draws from the decoded copy instead of fetching and decoding it again.
 *
 * Canvas editors draw from an ImageBitmap when one is held: a decoded <img> that is not in the document
 * may have its pixels dropped by the browser's image cache, and drawImage() then decodes it again while
 * the frame is painted (about 10 ms for a 1920x1080 PNG), where an ImageBitmap keeps its pixels.
 */
interface Held {
  img: HTMLImageElement;
  bitmap?: ImageBitmap;
}
const decoded = new Map<string, Held>();

export function rememberDecoded(uri: string, img: HTMLImageElement, bitmap?: ImageBitmap): void {
  decoded.set(uri, { img, bitmap });
}

/** Forgets an image (never closes its bitmap: an editor may still be drawing it; GC frees it). */
export function forgetDecoded(uri: string): void {
  decoded.delete(uri);
}

/** The decoded image for this URI, if one was prefetched and is still held. */
export function decodedImage(uri: string): HTMLImageElement | undefined {
  const img = decoded.get(uri)?.img;
  return img?.complete && img.naturalWidth > 0 ? img : undefined;
}

/** The prefetched bitmap of this URI (canvas editors), if one was made and is still held. */
export function decodedBitmap(uri: string): ImageBitmap | undefined {
  const b = decoded.get(uri)?.bitmap;
  return b && b.width > 0 ? b : undefined;
}
