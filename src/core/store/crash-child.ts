/**
 * Test helper run as a child process by replay.test.ts: submits labels to every item and prints
 * "ack <key>" after each submit resolved (i.e. after fdatasync). The parent SIGKILLs it mid-way.
 */
import { ProjectStore } from './project-store';
import { WASM } from './test-support';

async function run(): Promise<void> {
  const [root, id] = process.argv.slice(2) as [string, string];
  const store = await ProjectStore.open({ root, id, labeler: 'crash', device: 'child', wasmPath: WASM });
  process.stdout.write('ready\n');
  for (let it = store.nextItem(); it; it = store.nextItem()) {
    await store.submit(it.key, { kind: 'classes', labels: ['pos'] });
    process.stdout.write(`ack ${it.key}\n`);
  }
  process.stdout.write('done\n');
}

run().catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
