/**
 * The items the host sent ahead (LabelerViewFields.upcoming: the next queue items and the labeler's
 * previous ones, for Back), held until a view names one (itemFromUpcoming) or the host's window
 * (upcomingKeys) no longer lists it. Images are fetched and decoded while the labeler reads, so the next
 * (or previous) image is drawn from the decoded copy at once. The images of the next BITMAPS keys (the
 * queue's next items come first in upcomingKeys) and of the one shown also get an ImageBitmap, which a
 * canvas editor draws without decoding the file again (image-cache.ts); the others' bitmaps are closed,
 * so at most BITMAPS + 1 are held (a 4000 x 3000 image: 48 MB each).
 */
import type { LabelerItem, LabelerViewFields } from '../../src/protocol/labeler';
import { forgetBitmap, forgetDecoded, rememberBitmap, rememberDecoded } from '../shared/image-cache';

/** How long a bitmap waits for the page's thread to be idle after the frame. */
const IDLE_WAIT_MS = 200;

/**
 * Resolves after the next animation frame (the frame that shows a view just applied), once the page's
 * thread is idle (the workbench shares it; at most IDLE_WAIT_MS later).
 */
const afterNextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => requestIdleCallback(() => r(), { timeout: IDLE_WAIT_MS })));

/**
 * Images of more pixels than this get their bitmap decoded from the file (a Blob) off the page's thread;
 * smaller ones from the decoded element on it. The file is fetched again through VS Code's webview
 * service worker, which asks the workbench (its thread is the page's): for a 640 x 480 PNG that costs
 * the page's thread more than decoding it there (2-6 ms; a Chromium trace of bench:ui detect-1000: 11 ms
 * more busy in the 150 ms after each Enter), for a 4000 x 3000 one far less (~90 ms to decode).
 */
export const BLOB_DECODE_PIXELS = 1_000_000;

/** A bitmap of the image at `uri`: a large one decoded from its file off the page's thread, else from the decoded element. */
async function bitmapOf(uri: string, img: HTMLImageElement): Promise<ImageBitmap> {
  if (img.naturalWidth * img.naturalHeight <= BLOB_DECODE_PIXELS) return createImageBitmap(img);
  let blob: Blob | undefined;
  try {
    const r = await fetch(uri);
    if (r.ok) blob = await r.blob();
  } catch {
    // not fetchable here (a CSP without connect-src for it): the element
  }
  if (blob) {
    try {
      return await createImageBitmap(blob);
    } catch {
      // not an image Chromium decodes from a Blob: the element
    }
  }
  return createImageBitmap(img);
}

/** How many upcoming items' images are held as bitmaps (besides the one shown). */
export const BITMAPS = 3;

export class Prefetch {
  private readonly items = new Map<string, LabelerItem>();
  private readonly images = new Map<string, { img: HTMLImageElement; decoded: Promise<boolean> }>();
  /** URIs with a bitmap held or being made: resolves true once it is held. */
  private readonly bitmaps = new Map<string, Promise<boolean>>();
  /** The keys whose images get a bitmap: the first BITMAPS of the last upcomingKeys, and the shown one. */
  private bitmapKeys: string[] = [];

  /**
   * Takes what a state or view brings: new upcoming items, and the keys to keep. `shown`, the item now
   * on screen, is kept too until the next call: its editor is about to take the decoded image.
   */
  hold(v: Pick<LabelerViewFields, 'upcoming' | 'upcomingKeys'>, shown?: string): void {
    for (const it of v.upcoming ?? []) {
      this.items.set(it.key, it);
      if (it.imageUri) this.decode(it.imageUri);
    }
    if (!v.upcomingKeys) return;
    const keep = new Set(v.upcomingKeys);
    if (shown !== undefined) keep.add(shown);
    for (const k of [...this.items.keys()]) if (!keep.has(k)) this.items.delete(k);
    const uris = new Set([...this.items.values()].map((it) => it.imageUri));
    for (const u of [...this.images.keys()]) if (!uris.has(u)) this.drop(u);
    this.bitmapKeys = v.upcomingKeys.slice(0, BITMAPS);
    if (shown !== undefined) this.bitmapKeys.push(shown);
    for (const u of [...this.bitmaps.keys()]) {
      if (this.wantsBitmap(u)) continue;
      this.bitmaps.delete(u);
      forgetBitmap(u);
    }
    for (const [u, e] of this.images) if (this.wantsBitmap(u)) void e.decoded.then((ok) => ok && this.makeBitmap(u, e.img));
  }

  /** The held item with this key, if any. */
  get(key: string): LabelerItem | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  clear(): void {
    this.items.clear();
    this.bitmapKeys = [];
    for (const u of [...this.images.keys()]) this.drop(u);
  }

  private drop(uri: string): void {
    this.images.delete(uri);
    this.bitmaps.delete(uri);
    forgetDecoded(uri); // closes its bitmap too
  }

  private wantsBitmap(uri: string): boolean {
    return this.bitmapKeys.some((k) => this.items.get(k)?.imageUri === uri);
  }

  /**
   * Makes a bitmap of a decoded image and holds it if it is still wanted then. createImageBitmap of an
   * element decodes the file again on the page's thread (a 640 x 480 PNG 2-6 ms in the workbench, a 12 MP
   * one ~90 ms): a large image's comes from its file as a Blob, which Chromium decodes off the page's
   * thread (bitmapOf). Not before the next frame ran and the page's thread is idle, so a view that moves the window
   * (the answer of a submit) is drawn first, and its frame is not held by the fetch (it goes through the
   * webview's service worker and the workbench).
   */
  private makeBitmap(uri: string, img: HTMLImageElement): void {
    if (this.bitmaps.has(uri) || this.images.get(uri)?.img !== img || !this.wantsBitmap(uri)) return;
    const made: Promise<boolean> = afterNextFrame().then((): Promise<ImageBitmap | undefined> | undefined => {
      if (this.bitmaps.get(uri) !== made || this.images.get(uri)?.img !== img) return undefined; // forgotten meanwhile
      return bitmapOf(uri, img);
    }).then(
      (b) => {
        if (!b) return false;
        if (this.bitmaps.get(uri) === made && this.images.get(uri)?.img === img) {
          rememberBitmap(uri, b);
          return true;
        }
        b.close();
        return false;
      },
      () => {
        if (this.bitmaps.get(uri) === made) this.bitmaps.delete(uri); // the element is drawn instead
        return false;
      },
    );
    this.bitmaps.set(uri, made);
  }

  /** Resolves true once a bitmap of this URI's image is held (false when none is being made or it failed). */
  bitmapMade(uri: string): Promise<boolean> {
    return this.bitmaps.get(uri) ?? Promise.resolve(false);
  }

  /** Fetches and decodes an image; resolves true once decoded (false when it failed). */
  decode(uri: string): Promise<boolean> {
    let e = this.images.get(uri);
    if (!e) {
      const img = new Image();
      img.decoding = 'async';
      img.src = uri;
      e = {
        img,
        decoded: img.decode().then(
          () => {
            if (this.images.get(uri)?.img !== img) return true;
            rememberDecoded(uri, img);
            this.makeBitmap(uri, img);
            return true;
          },
          () => false,
        ),
      };
      this.images.set(uri, e);
    }
    return e.decoded;
  }
}
