/**
 * Images decoded ahead of time (the labeler's prefetch of upcoming items), by URI, so an editor that
 * shows one next draws from the decoded element instead of fetching and decoding it again.
 */
const decoded = new Map<string, HTMLImageElement>();

export function rememberDecoded(uri: string, img: HTMLImageElement): void {
  decoded.set(uri, img);
}

export function forgetDecoded(uri: string): void {
  decoded.delete(uri);
}

/** The decoded image for this URI, if one was prefetched and is still held. */
export function decodedImage(uri: string): HTMLImageElement | undefined {
  const img = decoded.get(uri);
  return img?.complete && img.naturalWidth > 0 ? img : undefined;
}
