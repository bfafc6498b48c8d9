/**
 * Test helper run as a child process.
 *   crash-child.ts <root> <id>
 *     (replay.test.ts) submits labels to every item and prints "ack <key>" after each submit resolved
 *     (i.e. after fdatasync). The parent SIGKILLs it mid-way.
 *   crash-child.ts <root> <id> --append <n> <tag>
 *     (lock.test.ts) prints "ready", waits for a line on stdin, then submits n labels as labeler
 *     "crash" on device "child" (items in turn, source "<tag>-<i>"), printing "ack <tag>-<i>" after each,
 *     then "file <journal>" and exits once the store is closed.
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

async function append(store: ProjectStore, n: number, tag: string): Promise<void> {
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const keys = store.page('all', undefined, 1000).items.map((i) => i.key);
  for (let i = 0; i < n; i++) {
    await store.submit(keys[i % keys.length]!, { kind: 'classes', labels: ['pos'] }, { source: `${tag}-${i}` });
    process.stdout.write(`ack ${tag}-${i}\n`);
  }
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
