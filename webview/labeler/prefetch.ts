/**
 * The next queue items the host sent ahead (LabelerViewFields.upcoming), held until a view names one
 * (itemFromUpcoming) or the host's window (upcomingKeys) no longer lists it. Images are fetched and
 * decoded while the labeler reads, so the next image is drawn from the decoded copy at once.
 */
import type { LabelerItem, LabelerViewFields } from '../../src/protocol/labeler';

export class Prefetch {
  private readonly items = new Map<string, LabelerItem>();
  private readonly images = new Map<string, { img: HTMLImageElement; decoded: Promise<boolean> }>();

  /** Takes what a state or view brings: new upcoming items, and the keys to keep. */
  hold(v: Pick<LabelerViewFields, 'upcoming' | 'upcomingKeys'>): void {
    for (const it of v.upcoming ?? []) {
      this.items.set(it.key, it);
      if (it.imageUri) this.decode(it.imageUri);
    }
    if (!v.upcomingKeys) return;
    const keep = new Set(v.upcomingKeys);
    for (const k of [...this.items.keys()]) if (!keep.has(k)) this.items.delete(k);
    const uris = new Set([...this.items.values()].map((it) => it.imageUri));
    for (const u of [...this.images.keys()]) if (!uris.has(u)) this.images.delete(u);
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
    this.images.clear();
  }

  /** Fetches and decodes an image; resolves true once decoded (false when it failed). */
  decode(uri: string): Promise<boolean> {
    let e = this.images.get(uri);
    if (!e) {
      const img = new Image();
      img.decoding = 'async';
      img.src = uri;
      e = { img, decoded: img.decode().then(() => true, () => false) };
      this.images.set(uri, e);
    }
    return e.decoded;
  }
}
