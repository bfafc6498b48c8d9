/**
 * Atomic, streamed output of an export: everything is written into a staging folder inside the
 * destination (`.labeling-export/tmp-<host>-<pid>-<token>/`, see export-owner.ts) and installed only
 * when the whole export succeeded (export-manifest.ts: only files an earlier export wrote are ever
 * replaced). On error or abort the staging folder is removed, so no partial file is ever left behind;
 * the staging folders of exports that were killed are removed by the next export to that destination.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ioError, LabelingError, throwIfAborted } from '../errors';
import { install, META_DIR, type Manifest } from './export-manifest';
import { OwnEntry, sweep } from './export-owner';

/** A buffered text writer with back-pressure: `write` resolves when the stream can take more. */
export class TextSink {
  private buf: string[] = [];
  private size = 0;
  private failed: Error | undefined;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly stream: WriteStream,
    readonly path: string,
    /** Called with the SHA-256 of everything written once the file is complete. */
    private readonly onClosed: (sha256: string) => void = () => undefined,
    private readonly chunk = 1 << 16,
  ) {
    stream.on('error', (e) => (this.failed = e));
  }

  /** Queues text; flushes to the stream in ~64 KB chunks and waits for drain when needed. */
  async write(text: string): Promise<void> {
    if (!this.queue(text)) await this.flush();
  }

  /** Queues text without waiting; false when a chunk is full and `flush` should be awaited. */
  queue(text: string): boolean {
    this.buf.push(text);
    this.size += text.length;
    return this.size < this.chunk;
  }

  async flush(): Promise<void> {
    if (this.failed) throw ioError('cannot write', this.path, this.failed);
    if (!this.size) return;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    this.hash.update(data);
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          this.stream.off('drain', onDrain);
          reject(ioError('cannot write', this.path, e));
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(ioError('cannot write', this.path, e)) : resolve()));
    });
    this.onClosed(this.hash.digest('hex'));
  }

  destroy(): void {
    this.stream.destroy();
  }
}



/** The staging folder of one export. `commit` installs its files into the destination. */
export class Staging {
  private readonly sinks: TextSink[] = [];
  private readonly streams: Writable[] = [];
  /** Every file written so far, with its SHA-256 (recorded when it is closed). */
  private readonly written: Manifest = new Map();

  private constructor(
    readonly destDir: string,
    private readonly entry: OwnEntry,
    /** The outermost folder this export created to reach destDir (removed again on discard while empty). */
    private readonly createdFrom: string | undefined,
  ) {}

  /** The staging folder itself. */
  get dir(): string {
    return this.entry.path;
  }

  /** Creates the destination when needed and a fresh staging folder in it, removing dead exports' ones. */
  static async create(destDir: string): Promise<Staging> {
    const createdFrom = await prepareDestination(destDir);
    const meta = join(destDir, META_DIR);
    await sweep(meta, 'tmp');
    await sweepLegacy(destDir);
    const entry = new OwnEntry(meta, 'tmp');
    try {
      await mkdir(entry.path, { recursive: true });
    } catch (e) {
      await entry.end();
      throw ioError('cannot create the staging folder', meta, e);
    }
    return new Staging(destDir, entry, createdFrom);
  }

  private pathOf(rel: string): string {
    return join(this.dir, ...rel.split('/'));
  }

  /** Opens a file at `rel` ('/'-separated, relative to the destination) for streamed writing. */
  async open(rel: string): Promise<TextSink> {
    const path = this.pathOf(rel);
    await mkdir(dirname(path), { recursive: true });
    const sink = new TextSink(createWriteStream(path, { encoding: 'utf8' }), join(this.destDir, rel), (hash) => this.written.set(rel, hash));
    this.sinks.push(sink);
    return sink;
  }

  /** Opens a writable to pipe a csv-stringify stream into (written and hashed through a TextSink). */
  async openStream(rel: string): Promise<Writable> {
    const sink = await this.open(rel);
    const decoder = new StringDecoder('utf8');
    const stream = new Writable({
      decodeStrings: false,
      write(chunk: string | Buffer, _encoding, done) {
        if (sink.queue(typeof chunk === 'string' ? chunk : decoder.write(chunk))) done();
        else sink.flush().then(() => done(), done);
      },
      final(done) {
        sink.write(decoder.end()).then(() => sink.close()).then(() => done(), done);
      },
    });
    this.streams.push(stream);
    return stream;
  }

  /** Writes a whole small file. */
  async writeFile(rel: string, text: string): Promise<void> {
    const sink = await this.open(rel);
    await sink.write(text);
    await sink.close();
  }

  /** Writes a whole small binary file (a mask PNG), hashed like the text files. */
  async writeBytes(rel: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(rel);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    } catch (e) {
      throw ioError('cannot write', join(this.destDir, rel), e);
    }
    this.written.set(rel, createHash('sha256').update(bytes).digest('hex'));
  }

  /** Removes a staged file that is not part of the result (a side file). */
  async remove(rel: string): Promise<void> {
    await unlink(this.pathOf(rel));
    this.written.delete(rel);
  }

  /** Installs the staged files into the destination (export-manifest.ts) and returns the top-level names. */
  async commit(format: string, signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    const names = await install({ format, destDir: this.destDir, stagingDir: this.dir, written: this.written, ...(signal ? { signal } : {}) });
    await this.entry.end();
    return names;
  }

  /** Removes everything written so far (and the manifest folder when nothing else is in it). */
  async discard(): Promise<void> {
    for (const s of this.sinks) s.destroy();
    for (const s of this.streams) s.destroy();
    await this.entry.end();
    await rmdir(join(this.destDir, META_DIR)).catch(() => undefined);
    // Folders this export created (labels/<id>/ on a first export) go again when nothing else is in them.
    if (this.createdFrom === undefined) return;
    for (let dir = this.destDir; within(this.createdFrom, dir); dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
      if (dir === this.createdFrom) break;
    }
  }
}

/** Refuses a destination that is a file; creates it when missing, returning the outermost folder it created. */
async function prepareDestination(dir: string): Promise<string | undefined> {
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new LabelingError('invalid-input', 'is a file, not a folder: an export writes into a folder', { file: dir });
  try {
    return await mkdir(dir, { recursive: true });
  } catch (e) {
    throw ioError('cannot create the export folder', dir, e);
  }
}

/** Staging folders of earlier versions (`.export-tmp-*`, no owner in the name): removed once an hour old. */
const LEGACY_STAGING = /^\.export-tmp-/;
const LEGACY_STALE_MS = 60 * 60_000;

async function sweepLegacy(dest: string): Promise<void> {
  for (const name of await readdir(dest)) {
    if (!LEGACY_STAGING.test(name)) continue;
    const st = await lstat(join(dest, name)).catch(() => undefined);
    if (st?.isDirectory() && Date.now() - st.mtimeMs > LEGACY_STALE_MS) await rm(join(dest, name), { recursive: true, force: true });
  }
}

/** Runs `body` against a fresh staging folder; commits on success, discards on error or abort. */
export async function withStaging<T>(
  destDir: string,
  format: string,
  signal: AbortSignal | undefined,
  body: (staging: Staging) => Promise<T>,
): Promise<{ result: T; files: string[] }> {
  const staging = await Staging.create(destDir);
  try {
    const result = await body(staging);
    const files = await staging.commit(format, signal);
    return { result, files };
  } catch (e) {
    await staging.discard();
    throw e;
  }
}

const within = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
};

/** Whether `target` lies inside `root`, also after resolving symbolic links (of its nearest existing ancestor). */
export async function isInsideFolder(root: string, target: string): Promise<boolean> {
  const abs = resolve(target);
  if (!within(resolve(root), abs)) return false;
  for (let p = abs; ; p = dirname(p)) {
    try {
      return within(await realpath(root), join(await realpath(p), relative(p, abs)));
    } catch {
      if (dirname(p) === p) return true;
    }
  }
}
