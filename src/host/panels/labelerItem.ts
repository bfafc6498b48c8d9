/**
 * What the labeling panel's webview may load (dataRoots), what it sends an item as (LabelerItem: its
 * media, the labeler's own annotation or the prelabel or suggestion offered, its mask runs, its place
 * in the labeler's history), and what a submit records of the prelabel or suggestion the item was
 * sent with (outcomeOf).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { Annotation } from '../../core/model';
import { projectDir } from '../../core/project/paths';
import type { SubmitOptions } from '../../core/store/project-store';
import { sameAnnotation } from '../../core/store/suggestion-outcomes';
import type { ItemView } from '../../core/store/types';
import type { LabelerItem } from '../../protocol/labeler';
import { sourceLabel, type LocalSuggestions } from '../assist/localSuggestions';
import type { ProjectEntry } from '../projects/registry';
import { maskRunsOf } from './labelerMasks';

/** Folders a project's globs can match under (the part before the first wildcard), for localResourceRoots. */
export function dataRoots(folder: vscode.Uri, globs: string[]): vscode.Uri[] {
  return globs.map((g) => {
    const segs = g.split('/');
    const fixed: string[] = [];
    for (const s of segs.slice(0, -1)) {
      if (/[*?[\]{}!]/.test(s)) break;
      fixed.push(s);
    }
    return vscode.Uri.joinPath(folder, ...fixed);
  });
}

/** A prelabel or suggestion as an item was sent with: what a confirm by reference submits, and what a submit records. */
export interface Offered {
  annotation: Annotation;
  confidence?: number;
  /** The journal prelabel's src (a model version, an import), or a local suggestion's `model:<model>@<version>`. */
  source?: string;
}

/** The prelabel an item shows: its journal prelabel, else ML assist's local suggestion for its version. */
export function offerOf(v: ItemView, entry: ProjectEntry, suggestions: LocalSuggestions | undefined): Offered | undefined {
  if (v.prelabel) {
    const o: Offered = { annotation: v.prelabel.annotation };
    if (v.prelabel.confidence !== undefined) o.confidence = v.prelabel.confidence;
    if (v.prelabel.source) o.source = v.prelabel.source;
    return o;
  }
  const s = suggestions?.get(entry, v.key, v.version);
  return s && { annotation: s.annotation, confidence: s.confidence, source: s.source };
}

/**
 * The item as the webview gets it, with `offered` (none when the labeler has an annotation of their
 * own) and its place in the labeler's history.
 */
export function labelerItemOf(
  v: ItemView,
  offered: Offered | undefined,
  position: { index: number; count: number } | undefined,
  ctx: { webview: vscode.Webview; entry: ProjectEntry; logger: Logger },
): LabelerItem {
  const item: LabelerItem = { key: v.key, ref: v.ref, media: v.media, state: v.state, version: v.version };
  if (v.text !== undefined) item.text = v.text;
  if (v.media === 'image') {
    item.imageUri = ctx.webview.asWebviewUri(vscode.Uri.joinPath(ctx.entry.folder.uri, ...v.ref.path.split('/'))).toString();
    if (v.width) item.width = v.width;
    if (v.height) item.height = v.height;
  }
  if (v.mine) item.annotation = v.mine.annotation;
  else if (offered) {
    item.prelabel = { annotation: offered.annotation, source: sourceLabel(offered.source) };
    if (offered.confidence !== undefined) item.prelabel.confidence = offered.confidence;
  }
  const mask = maskRunsOf(projectDir(ctx.entry.root, ctx.entry.id), item.annotation ?? item.prelabel?.annotation, (m) => ctx.logger.warn(`labeler ${ctx.entry.id}: ${m}`));
  if (mask) item.mask = mask;
  if (position) item.position = position;
  if (v.rejected && !v.mine) item.rejected = v.rejected;
  return item;
}

/** A prelabel without a recorded source is recorded as this (what every confirm recorded before sources were). */
const UNNAMED_PRELABEL = 'prelabel';

/**
 * What a submit records of the prelabel or suggestion the item was shown with (journal `src`, `chg`):
 * its source, and whether the labeler changed it (compared canonically). An item shown with the
 * labeler's own earlier submit (Back, a resubmit) carries that submit's source forward: changed when
 * the new annotation differs from the journal prelabel of that source, or, for a local suggestion (no
 * longer at the item's version), when the earlier submit had changed it or this one differs from it.
 * So a confirmation corrected later counts as changed, not as dropped. `item` reads the item as it is
 * now, called only without `offered`.
 */
export function outcomeOf(item: () => ItemView, annotation: Annotation, offered: Offered | undefined): SubmitOptions {
  let source: string | undefined;
  let changed: boolean;
  if (offered) {
    source = offered.source ?? UNNAMED_PRELABEL;
    changed = !sameAnnotation(annotation, offered.annotation);
  } else {
    const now = item(); // read only here: a prelabel or suggestion sent with the item needs no read
    const mine = now.mine;
    if (!mine?.source) return {};
    source = mine.source;
    const ref = now.prelabel?.source === source ? now.prelabel.annotation : undefined;
    changed = ref ? !sameAnnotation(annotation, ref) : !!mine.changed || !sameAnnotation(annotation, mine.annotation);
  }
  return changed ? { source, changed: true } : { source };
}
