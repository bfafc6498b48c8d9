/**
 * A JSON-lines file written atomically while it is produced: lines go to a temp file beside the target;
 * `commit` fsyncs it and renames it over the target, `abort` removes it. Readers see the old file or the
 * whole new one, never a part (writeFileAtomic for output too large to hold as one string).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ioError } from '../../errors';

let counter = 0;

export class AtomicLineFile {
  private buffered: string[] = [];
  private size = 0;

  private constructor(
    readonly file: string,
    readonly tmp: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  static async open(file: string): Promise<AtomicLineFile> {
    await fsp.mkdir(path.dirname(file), { recursive: true }).catch((e: unknown) => {
      throw ioError('cannot create the folder of', file, e);
    });
    const tmp = `${file}.${process.pid}.${Date.now()}.${counter++}.tmp`;
    const handle = await fsp.open(tmp, 'w').catch((e: unknown) => {
      throw ioError('cannot write', file, e);
    });
    return new AtomicLineFile(file, tmp, handle);
  }

  /** Queues one line (the value as JSON); written out in chunks of about 1 MB. */
  async line(value: unknown): Promise<void> {
    const s = `${JSON.stringify(value)}\n`;
    this.buffered.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.buffered.length) return;
    const data = this.buffered.join('');
    this.buffered = [];
    this.size = 0;
    await this.handle.writeFile(data).catch((e: unknown) => {
      throw ioError('cannot write', this.file, e);
    });
  }

  /** Writes what is queued, fsyncs and renames the temp file over the target. On failure the temp file is removed. */
  async commit(): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      await fsp.rename(this.tmp, this.file);
    } catch (e) {
      await this.abort();
      throw ioError('cannot write', this.file, e);
    }
  }

  /** Removes the temp file; the target stays as it was. Safe to call twice. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}
