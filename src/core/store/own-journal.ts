/**
 * This process's own journal file in a project: where it is, the writer that appends to it (opened on the
 * first append, holding the file's lock until close) and the time of its events (the hybrid clock never
 * goes back within a file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventPayload, JournalEvent } from '../journal/events';
import { openLockedWriter, type JournalWriter } from '../journal/writer';
import type { Logger } from '../logger';
import { cacheDir, journalDir, safeSegment } from '../project/paths';
import { hybridClock } from '../team/clock';
import { journalFolderFor } from '../team/labeler-folder';
import type { IndexDb } from './index-db';

/** This labeler's journal folder: the lossless encoding of the id, or the legacy folder an older version made. */
function myFolder(root: string, id: string, labeler: string): string {
  let existing: string[] = [];
  try {
    existing = fs.readdirSync(journalDir(root, id));
  } catch {
    // no journal yet
  }
  return journalFolderFor(labeler, existing);
}

export interface Appended {
  events: JournalEvent[];
  start: number;
  end: number;
  /** The file appended to, workspace-relative and absolute. */
  file: { rel: string; abs: string };
}

export class OwnJournal {
  private writerP?: Promise<JournalWriter>;
  /** The time of this process's last event. */
  private lastAt = 0;
  /** Workspace-relative: `<device>.jsonl` until the writer opens (it may get `<device>-2.jsonl`). */
  private rel: string;

  /**
   * `catchUp(rel, size)` runs when the writer opens, before it is used: lines up to `size` that the index has
   * not read yet (another process wrote the file and exited) are to be applied before this one appends after them.
   */
  constructor(
    private readonly root: string,
    private readonly id: string,
    private readonly labeler: string,
    private readonly device: string,
    private readonly log: Logger,
    private readonly catchUp: (rel: string, size: number) => void,
  ) {
    this.rel = `.labeling/${id}/journal/${myFolder(root, id, labeler)}/${safeSegment(device)}.jsonl`;
  }

  /** Workspace-relative path of the file. */
  get file(): string {
    return this.rel;
  }

  /**
   * Appends durably at one time for all of `payloads` (hybridClock over `idx`), each carrying what the index had
   * seen project-wide. The file is created on the first append, and a torn tail repaired then. When git replaced
   * the file (a rebase), the writer reopens at the path and writes after what it holds.
   */
  async append(idx: IndexDb, payloads: EventPayload[]): Promise<Appended> {
    let w = await this.writer();
    if (!w.stillAtPath()) {
      this.log.info(`${this.rel}: the journal file was replaced on disk (git?); reopening it`);
      this.writerP = undefined;
      await w.close().catch(() => undefined);
      w = await this.writer();
    }
    const ps = idx.projectSeen();
    const r = await w.append(payloads.map((p) => ({ ...p, ps })), new Date((this.lastAt = hybridClock(idx, payloads, this.lastAt))));
    return { ...r, file: { rel: this.rel, abs: path.join(this.root, this.rel) } };
  }

  /** Closes the writer (and its lock) if one was opened. */
  async close(): Promise<void> {
    if (this.writerP) await (await this.writerP.catch(() => undefined))?.close();
  }

  private writer(): Promise<JournalWriter> {
    if (!this.writerP) {
      const labeler = myFolder(this.root, this.id, this.labeler);
      const displayFolder = `.labeling/${this.id}/journal/${labeler}`;
      this.writerP = openLockedWriter({
        journalFolder: path.join(journalDir(this.root, this.id), labeler),
        lockFolder: path.join(cacheDir(this.root, this.id), 'locks', labeler),
        displayFolder,
        by: this.labeler,
        device: this.device,
      }).then((w) => {
        this.rel = `${displayFolder}/${path.basename(w.file)}`;
        if (w.repairedBytes) this.log.warn(`${this.rel}: removed a torn last line (${w.repairedBytes} bytes)`);
        this.catchUp(this.rel, w.size);
        return w;
      });
      this.writerP.catch(() => (this.writerP = undefined));
    }
    return this.writerP;
  }
}
