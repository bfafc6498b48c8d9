/**
 * Test helper run as a child process.
 *   crash-child.ts <root> <id>
 *     (replay.test.ts) submits labels to every item and prints "ack <key>" after each submit resolved
 *     (i.e. after fdatasync). The parent SIGKILLs it mid-way.
 *   crash-child.ts <root> <id> --append <n> <tag>
 *     (lock.test.ts) prints "ready"; on a first line on stdin submits one label as labeler "crash" on
 *     device "child", on a second line n - 1 more (items in turn, source "<tag>-<i>"), printing
 *     "ack <tag>-<i>" after each, then "file <journal>", and exits once the store is closed.
 */
import { ProjectStore } from './project-store';
import { WASM } from './test-support';

async function crash(store: ProjectStore): Promise<void> {
  for (let it = store.nextItem(); it; it = store.nextItem()) {
    await store.submit(it.key, { kind: 'classes', labels: ['pos'] });
    process.stdout.write(`ack ${it.key}\n`);
  }
  process.stdout.write('done\n');
}

/** Resolves on each next line the parent writes to stdin. */
function stdinLines(): () => Promise<void> {
  let waiting: (() => void)[] = [];
  let pending = 0;
  process.stdin.on('data', (d) => {
    for (const ch of String(d)) if (ch === '\n') pending++;
    while (pending && waiting.length) {
      pending--;
      waiting.shift()!();
    }
  });
  return () =>
    new Promise<void>((resolve) => {
      if (pending) {
        pending--;
        resolve();
      } else waiting = [...waiting, resolve];
    });
}

async function append(store: ProjectStore, n: number, tag: string): Promise<void> {
  const nextLine = stdinLines();
  const keys = store.page('all', undefined, 1000).items.map((i) => i.key);
  const submit = async (i: number) => {
    await store.submit(keys[i % keys.length]!, { kind: 'classes', labels: ['pos'] }, { source: `${tag}-${i}` });
    process.stdout.write(`ack ${tag}-${i}\n`);
  };
  // The first append (which takes the journal's lock) on the first line, the rest on the second: the
  // parent can make two children write at the same time.
  await nextLine();
  await submit(0);
  await nextLine();
  for (let i = 1; i < n; i++) await submit(i);
  process.stdout.write(`file ${store.journalFile}\n`);
  await store.close();
  process.stdin.destroy();
}

async function run(): Promise<void> {
  const [root, id, mode, n, tag] = process.argv.slice(2) as [string, string, string?, string?, string?];
  const store = await ProjectStore.open({ root, id, labeler: 'crash', device: 'child', wasmPath: WASM });
  process.stdout.write('ready\n');
  if (mode === '--append') await append(store, Number(n), tag ?? 'x');
  else await crash(store);
}

run().catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
