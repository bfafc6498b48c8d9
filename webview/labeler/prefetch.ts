/**
 * The items the host sent ahead (LabelerViewFields.upcoming: the next queue items and the labeler's
 * previous ones, for Back), held until a view names one (itemFromUpcoming) or the host's window
 * (upcomingKeys) no longer lists it. Images are fetched and decoded while the labeler reads, so the next
 * (or previous) image is drawn from the decoded copy at once.
 */
import type { LabelerItem, LabelerViewFields } from '../../src/protocol/labeler';
import { forgetDecoded, rememberDecoded } from '../shared/image-cache';

export class Prefetch {
  private readonly items = new Map<string, LabelerItem>();
  private readonly images = new Map<string, { img: HTMLImageElement; decoded: Promise<boolean> }>();

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
    for (const u of [...this.images.keys()]) this.drop(u);
  }

  private drop(uri: string): void {
    this.images.delete(uri);
    forgetDecoded(uri);
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
            if (this.images.get(uri)?.img === img) rememberDecoded(uri, img);
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
