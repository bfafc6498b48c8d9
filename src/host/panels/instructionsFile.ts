import { promises as fsp } from 'node:fs';

/**
 * A project's instructions.md as the labeling panel shows it: read once, then again only after the file
 * changed (a watcher says so, or `changedOnDisk()` finds another size or time).
 */
export class InstructionsFile {
  private text: Promise<string> | undefined;
  /** Size and modification time when last read. */
  private stamp = '';

  constructor(readonly path: string) {}

  /** The text ('' when there is no file). */
  read(): Promise<string> {
    return (this.text ??= (async () => {
      this.stamp = await stampOf(this.path);
      return fsp.readFile(this.path, 'utf8').catch(() => '');
    })());
  }

  /** Forget the text read: the next read() reads the file again. */
  invalidate(): void {
    this.text = undefined;
  }

  /** True when the file was read and has changed since (a lost watcher event). */
  async changedOnDisk(): Promise<boolean> {
    return this.text !== undefined && (await stampOf(this.path)) !== this.stamp;
  }
}

function stampOf(file: string): Promise<string> {
  return fsp.stat(file).then((st) => `${st.size}:${st.mtimeMs}`, () => 'none');
}
