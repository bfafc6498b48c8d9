/**
 * The labeler's working copy of the current item's annotation, with undo. Starts from the labeler's
 * saved annotation, else from the prelabel (marked suggested), else empty. Any edit or a confirm makes
 * a suggestion the labeler's own. Labels always come from the host; this is never persisted.
 */
import { annotationKindOf, emptyAnnotation, type Annotation, type ProjectType } from '../../src/core/model';
import type { LabelerItem } from '../../src/protocol/labeler';
import { decodeRuns } from '../../src/protocol/mask-transport';

interface Snapshot {
  annotation: Annotation;
  suggested: boolean;
  fromPrelabel: boolean;
}

export class Draft {
  annotation: Annotation;
  /** The annotation is an unconfirmed prelabel. */
  suggested: boolean;
  /** The annotation is a prelabel the labeler confirmed without editing. */
  fromPrelabel = false;
  private readonly history: Snapshot[] = [];
  /** The prelabel it started from, as JSON ('' for none): a draft nobody touched follows a new one (follows). */
  private readonly startedFrom: string;
  /**
   * Semantic segmentation: the raster the mask editor paints (decoded once from the item's runs, then
   * the editor's own array from lbl-mask-change), and whether it differs from what the item was sent
   * with. The editor keeps the undo history of strokes; `annotation` stays the one the item was sent with.
   */
  mask: Uint8Array | undefined;
  maskModified = false;

  constructor(readonly key: string, readonly version: number, type: ProjectType, item: Pick<LabelerItem, 'annotation' | 'prelabel' | 'mask'>) {
    this.startedFrom = item.annotation === undefined && item.prelabel ? JSON.stringify(item.prelabel.annotation) : '';
    const kind = annotationKindOf(type);
    const fits = (a: Annotation | undefined): a is Annotation => a !== undefined && a.kind === kind;
    if (fits(item.annotation)) {
      this.annotation = item.annotation;
      this.suggested = false;
    } else if (fits(item.prelabel?.annotation)) {
      this.annotation = item.prelabel.annotation;
      this.suggested = true;
    } else {
      // A mask has no empty annotation (it names a blob): the submit sends the raster, not this.
      this.annotation = kind === 'mask' ? { kind, classes: [], width: 0, height: 0, blob: '' } : emptyAnnotation(kind);
      this.suggested = false;
    }
    if (kind === 'mask' && item.mask) {
      const m = item.mask;
      try {
        this.mask = decodeRuns(m.runs, m.width, m.height);
      } catch {
        this.mask = undefined; // a bad message from the host: start from an empty mask
      }
    }
  }

  /** The mask editor changed the raster (`modified`: some stroke is not undone): a suggestion becomes the labeler's own. */
  maskChanged(raster: Uint8Array, modified: boolean): void {
    this.mask = raster;
    this.maskModified = modified;
    if (modified) {
      this.suggested = false;
      this.fromPrelabel = false;
    } else if (this.startedFrom && !this.history.length) this.suggested = true;
  }

  /**
   * Whether this draft should give way to the item as sent now (same key and version): only while
   * nobody touched it (no edit, no confirm) and the host sends another prelabel than it started from,
   * e.g. ML assist's suggestions arrived or a newer model's replaced them.
   */
  yieldsTo(item: Pick<LabelerItem, 'annotation' | 'prelabel'>): boolean {
    if (this.history.length || this.maskModified || item.annotation !== undefined) return false;
    return (item.prelabel ? JSON.stringify(item.prelabel.annotation) : '') !== this.startedFrom;
  }

  get canUndo(): boolean {
    return this.history.length > 0;
  }

  edit(annotation: Annotation): void {
    this.push();
    this.annotation = annotation;
    this.suggested = false;
    this.fromPrelabel = false;
  }

  /** Accepts the suggestion as it is. Returns false if there was nothing to confirm. */
  confirm(): boolean {
    if (!this.suggested) return false;
    this.push();
    this.suggested = false;
    this.fromPrelabel = true;
    return true;
  }

  /** Reverts the last edit or confirm. Returns false when there is nothing to undo. */
  undo(): boolean {
    const s = this.history.pop();
    if (!s) return false;
    this.annotation = s.annotation;
    this.suggested = s.suggested;
    this.fromPrelabel = s.fromPrelabel;
    return true;
  }

  private push(): void {
    this.history.push({ annotation: this.annotation, suggested: this.suggested, fromPrelabel: this.fromPrelabel });
    if (this.history.length > 200) this.history.shift();
  }
}
