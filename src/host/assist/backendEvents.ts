/**
 * Annotation events for a project's ML backend (issue 12 item 5): each label this labeler submits in a
 * project served by a Label Studio ML backend (mlAssist.enabled and backendUrl) is sent to it as
 * `POST /webhook` ANNOTATION_CREATED (ANNOTATION_UPDATED for a later change of the same item), as Label
 * Studio sends them, so a backend that learns online can. Sent one at a time in the background, never
 * on the submit's path; a failure is logged once until a send succeeds again. Nothing is sent in an
 * untrusted workspace. Teammates' labels are theirs to send (each clone sends its own labeler's).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { parseItemKey } from '../../core/model';
import { lsProject, LsBackend } from '../../core/ml/ls/client';
import { toLsResult, toTask } from '../../core/ml/ls/convert';
import { getMask } from '../../core/masks/blob-store';
import { projectDir } from '../../core/project/paths';
import type { ProjectChange, StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import type { BackendCredentials } from './backendCredentials';

/** A stable task id for an item key (LS task ids are numbers): 31-bit FNV-1a. */
export function taskIdOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 0x7fffffff) || 1;
}

export class BackendEvents extends Disposable {
  /** Per project and item, the `at` of the last label sent (a newer one is an update). */
  private readonly sent = new Map<string, Map<string, string>>();
  private chain: Promise<void> = Promise.resolve();
  private failing = new Set<string>();
  /** Labels submitted before this window started are not sent again. */
  private readonly since = new Date().toISOString();
  private annotationId = 0;

  constructor(
    private readonly stores: StoreManager,
    private readonly logger: Logger,
    private readonly credentials?: BackendCredentials,
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {
    super();
    this._register(stores.onDidChange((c) => this.onChange(c)));
  }

  /** Resolves once every event queued so far was sent (or failed): for tests. */
  settled(): Promise<void> {
    return this.chain;
  }

  private onChange(c: ProjectChange): void {
    const def = c.entry.def;
    const url = def?.mlAssist.backendUrl;
    if (!def || !url || !def.mlAssist.enabled || c.items === 'all' || !this.isTrusted()) return;
    const k = `${c.entry.root}::${c.entry.id}`;
    const sent = this.sent.get(k) ?? new Map<string, string>();
    this.sent.set(k, sent);
    const keys = c.items;
    this.chain = this.chain.then(async () => {
      const store = await this.stores.get(c.entry).catch(() => undefined);
      if (!store) return;
      const login = await this.credentials?.get(url);
      const backend = new LsBackend({ url, ...(login ? { user: login.user, password: login.password } : {}) });
      const ref = lsProject(store.def);
      for (const key of keys) {
        const v = store.getItem(key);
        const mine = v?.mine;
        if (!v || !mine || mine.at < this.since || sent.get(key) === mine.at) continue;
        const action = sent.has(key) ? 'ANNOTATION_UPDATED' : 'ANNOTATION_CREATED';
        sent.set(key, mine.at);
        try {
          const item = { key, ...(v.text !== undefined ? { text: v.text } : {}), ...(v.width ? { width: v.width } : {}), ...(v.height ? { height: v.height } : {}) };
          const task = toTask(store.def, item, taskIdOf(key), () => path.join(c.entry.root, ...parseItemKey(key).path.split('/')));
          // A mask goes with its raster, read from its blob.
          const raster = mine.annotation.kind === 'mask' ? await getMask(projectDir(c.entry.root, c.entry.id), mine.annotation.blob) : undefined;
          const result = toLsResult(store.def, item, mine.annotation, raster);
          await backend.annotationEvent(action, ref, task, { id: ++this.annotationId, result, completed_by: store.labeler, created_at: mine.at });
          if (this.failing.delete(k)) this.logger.info(`ML backend ${url}: annotation events are delivered again.`);
        } catch (e) {
          if (!this.failing.has(k)) {
            this.failing.add(k);
            this.logger.warn(`ML backend ${url}: could not send ${action} for ${key}: ${e instanceof Error ? e.message : String(e)} (further failures are not logged until a send succeeds)`);
          }
        }
      }
    });
  }
}
