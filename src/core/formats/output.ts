/**
 * Atomic, streamed output of an export: everything is written into a staging folder inside the
 * destination folder and moved into place only when the whole export succeeded. On error or abort the
 * staging folder is removed, so no partial file is ever left behind.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabelingError, throwIfAborted } from '../errors';

/** A buffered text writer with back-pressure: `write` resolves when the stream can take more. */
export class TextSink {
  private buf: string[] = [];
  private size = 0;
  private failed: Error | undefined;

  constructor(
    private readonly stream: WriteStream,
    readonly path: string,
    private readonly chunk = 1 << 16,
  ) {
    stream.on('error', (e) => (this.failed = e));
  }

  /** Queues text; flushes to the stream in ~64 KB chunks and waits for drain when needed. */
  async write(text: string): Promise<void> {
    this.buf.push(text);
    this.size += text.length;
    if (this.size >= this.chunk) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failed) throw ioError(this.path, this.failed);
    if (!this.size) return;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          this.stream.off('drain', onDrain);
          reject(ioError(this.path, e));
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((e?: Error | null) => (e ? reject(ioError(this.path, e)) : resolve()));
    });
  }

  destroy(): void {
    this.stream.destroy();
  }
}

function ioError(path: string, e: Error): LabelingError {
  return new LabelingError('io', `cannot write: ${e.message}`, { file: path }, { cause: e });
}

/** The staging folder of one export. `commit` moves its top-level entries into the destination. */
export class Staging {
  private readonly sinks: TextSink[] = [];
  private readonly streams: WriteStream[] = [];

  private constructor(
    readonly destDir: string,
    readonly dir: string,
  ) {}

  static async create(destDir: string): Promise<Staging> {
    await mkdir(destDir, { recursive: true });
    const dir = await mkdtemp(join(destDir, '.export-tmp-'));
    return new Staging(destDir, dir);
  }

  /** Opens a file at `rel` ('/'-separated, relative to the destination) for streamed writing. */
  async open(rel: string): Promise<TextSink> {
    const path = join(this.dir, ...rel.split('/'));
    await mkdir(dirname(path), { recursive: true });
    const sink = new TextSink(createWriteStream(path, { encoding: 'utf8' }), join(this.destDir, rel));
    this.sinks.push(sink);
    return sink;
  }

  /** Opens a raw write stream (for piping a csv-stringify stream into it). */
  async openStream(rel: string): Promise<WriteStream> {
    const path = join(this.dir, ...rel.split('/'));
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { encoding: 'utf8' });
    this.streams.push(stream);
    return stream;
  }

  /** Writes a whole small file. */
  async writeFile(rel: string, text: string): Promise<void> {
    const sink = await this.open(rel);
    await sink.write(text);
    await sink.close();
  }

  /** Moves every top-level entry into the destination (replacing what was there) and returns their names. */
  async commit(signal?: AbortSignal): Promise<string[]> {
    throwIfAborted(signal);
    const names = (await readdir(this.dir)).sort();
    for (const name of names) {
      const target = join(this.destDir, name);
      await rm(target, { recursive: true, force: true });
      await rename(join(this.dir, name), target);
    }
    await rm(this.dir, { recursive: true, force: true });
    return names;
  }

  /** Removes everything written so far. */
  async discard(): Promise<void> {
    for (const s of this.sinks) s.destroy();
    for (const s of this.streams) s.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `body` against a fresh staging folder; commits on success, discards on error or abort. */
export async function withStaging<T>(
  destDir: string,
  signal: AbortSignal | undefined,
  body: (staging: Staging) => Promise<T>,
): Promise<{ result: T; files: string[] }> {
  const staging = await Staging.create(destDir);
  try {
    const result = await body(staging);
    const files = await staging.commit(signal);
    return { result, files };
  } catch (e) {
    await staging.discard();
    throw e;
  }
}
