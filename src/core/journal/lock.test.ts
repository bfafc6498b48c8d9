import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanupWorkspaces, openStore, tempWorkspace, textProject } from '../store/test-support';
import type { JournalEvent } from './events';
import { listJournalFiles } from './files';
import { processAlive, tryLock } from './lock';
import { readJournal } from './reader';
import { openLockedWriter } from './writer';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(r.pid && !processAlive(r.pid));
  return r.pid;
}

function writeLockFile(file: string, owner: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ token: 'old', at: '2026-01-01T00:00:00.000Z', ...owner }));
}

function events(file: string): JournalEvent[] {
  const out: JournalEvent[] = [];
  readJournal(file, file, { offset: 0, line: 0 }, (e) => out.push(e), (p) => assert.fail(`${p.file}:${p.line}: ${p.message}`));
  return out;
}

describe('journal locks', () => {
  after(cleanupWorkspaces);

  it('is exclusive while held and free again once released', () => {
    const file = path.join(tempWorkspace(), '.cache', 'locks', 'ann', 'd1.lock');
    const a = tryLock(file)!;
    assert.ok(a);
    assert.equal(tryLock(file), undefined, 'held by this live process');
    const owner = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual([owner.pid, owner.host], [process.pid, os.hostname()]);
    a.release();
    assert.ok(!fs.existsSync(file));
    const b = tryLock(file)!;
    assert.ok(b);
    b.release();
  });

  it('takes over a stale lock: a dead pid, or this pid with a token nobody here holds (pid reused)', () => {
    const dir = path.join(tempWorkspace(), 'locks');
    const dead = path.join(dir, 'dead.lock');
    writeLockFile(dead, { pid: deadPid(), host: os.hostname() });
    const a = tryLock(dead)!;
    assert.ok(a, 'a dead process does not hold its lock');
    assert.equal(JSON.parse(fs.readFileSync(dead, 'utf8')).token, a.owner.token);
    assert.ok(!fs.existsSync(`${dead}.break`));
    a.release();
    const reused = path.join(dir, 'reused.lock');
    writeLockFile(reused, { pid: process.pid, host: os.hostname() });
    const b = tryLock(reused)!;
    assert.ok(b);
    b.release();
  });

  it('leaves alone a lock of a live process, of another machine, and one still being written', () => {
    const dir = path.join(tempWorkspace(), 'locks');
    const live = path.join(dir, 'live.lock');
    writeLockFile(live, { pid: process.ppid, host: os.hostname() });
    assert.equal(tryLock(live), undefined);
    const other = path.join(dir, 'other.lock');
    writeLockFile(other, { pid: deadPid(), host: `not-${os.hostname()}` });
    assert.equal(tryLock(other), undefined);
    const writing = path.join(dir, 'writing.lock');
    fs.writeFileSync(writing, '');
    assert.equal(tryLock(writing), undefined, 'created a moment ago: its owner is writing it');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(writing, old, old);
    const c = tryLock(writing)!;
    assert.ok(c, 'left empty for a minute: its owner died while creating it');
    c.release();
  });

  it('gives a second writer <device>-2.jsonl, and the first file back once it is free', async () => {
    const root = tempWorkspace();
    const o = { journalFolder: path.join(root, 'journal', 'ann'), lockFolder: path.join(root, '.cache', 'locks', 'ann'), displayFolder: 'journal/ann', by: 'ann', device: 'd1' };
    const a = await openLockedWriter(o);
    const b = await openLockedWriter(o);
    assert.deepEqual([path.basename(a.file), a.device, path.basename(b.file), b.device], ['d1.jsonl', 'd1', 'd1-2.jsonl', 'd1-2']);
    await a.append([{ type: 'skip', item: 'x' }]);
    await b.append([{ type: 'skip', item: 'y' }]);
    assert.deepEqual(fs.readdirSync(o.lockFolder).sort(), ['d1-2.lock', 'd1.lock']);
    await a.close();
    const c = await openLockedWriter(o);
    assert.equal(path.basename(c.file), 'd1.jsonl', 'no third file when the first is free');
    assert.equal((await c.append([{ type: 'skip', item: 'z' }])).events[0]!.seq, 2);
    await b.close();
    await c.close();
    assert.deepEqual(fs.readdirSync(o.lockFolder), []);
    assert.deepEqual(fs.readdirSync(o.journalFolder).sort(), ['d1-2.jsonl', 'd1.jsonl']);
  });

  it('two processes of one labeler on one device never append to one file (no seq collides, nothing acknowledged is lost)', async function () {
    this.timeout(120_000);
    const N = 150;
    const p = await textProject(20);
    const child = (tag: string): ChildProcessWithoutNullStreams =>
      spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'store', 'crash-child.ts'), p.root, p.id, '--append', String(N), tag]);
    const kids = [child('a'), child('b')];
    const acked: string[] = [];
    const files: string[] = [];
    const done = kids.map(
      (k) =>
        new Promise<void>((resolve, reject) => {
          let buf = '';
          let err = '';
          k.stderr.on('data', (d) => (err += String(d)));
          k.stdout.on('data', (d) => {
            buf += String(d);
            for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line === 'ready') k.emit('ready');
              else if (line.startsWith('ack ')) {
                acked.push(line.slice(4));
                if (line.endsWith('-0')) k.emit('first');
              }
              else if (line.startsWith('file ')) files.push(line.slice(5));
            }
          });
          k.on('error', reject);
          k.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}: ${err}`))));
        }),
    );
    await Promise.all(kids.map((k) => new Promise((r) => k.once('ready', r))));
    // Both take their journal at once, then both append while the other is still writing.
    const first = kids.map((k) => new Promise((r) => k.once('first', r)));
    for (const k of kids) k.stdin.write('go\n');
    await Promise.all(first);
    for (const k of kids) k.stdin.write('go\n');
    await Promise.all(done);
    assert.equal(acked.length, 2 * N);
    const dir = `.labeling/${p.id}/journal/crash`;
    assert.deepEqual(files.sort(), [`${dir}/child-2.jsonl`, `${dir}/child.jsonl`]);
    const seen = new Set<string>();
    for (const f of listJournalFiles(p.root, p.id)) {
      const evs = events(f.abs);
      // One writer per file: its seqs run 1..n, one device id, one source tag.
      assert.deepEqual(evs.map((e) => e.seq), evs.map((_, i) => i + 1), f.rel);
      assert.equal(new Set(evs.map((e) => e.dev)).size, 1, f.rel);
      assert.equal(new Set(evs.map((e) => (e.type === 'submit' ? e.src?.split('-')[0] : ''))).size, 1, f.rel);
      for (const e of evs) if (e.type === 'submit' && e.src) seen.add(e.src);
    }
    for (const a of acked) assert.ok(seen.has(a), `acknowledged ${a} is in a journal`);
    assert.deepEqual(fs.readdirSync(path.join(p.root, '.labeling', '.cache', p.id, 'locks', 'crash')), [], 'both locks released');
  });

  it('takes over the lock of a writer killed with SIGKILL: the next writer continues its file', async function () {
    this.timeout(60_000);
    const p = await textProject(5);
    const k = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'store', 'crash-child.ts'), p.root, p.id, '--append', '100000', 'k']);
    let acks = 0;
    let err = '';
    k.stderr.on('data', (d) => (err += String(d)));
    await new Promise<void>((resolve) => {
      k.stdout.on('data', (d) => {
        if (String(d).includes('ready')) k.stdin.write('go\ngo\n');
        acks += String(d).split('ack ').length - 1;
        if (acks >= 20) k.kill('SIGKILL');
      });
      k.on('exit', () => resolve());
    });
    assert.ok(acks >= 20, err);
    const lock = path.join(p.root, '.labeling', '.cache', p.id, 'locks', 'crash', 'child.lock');
    assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, k.pid, 'the dead writer left its lock');
    const s = await openStore(p, 'crash', 'child');
    await s.skip(p.keys[0]!);
    assert.equal(s.journalFile, `.labeling/${p.id}/journal/crash/child.jsonl`);
    await s.close();
    const evs = events(path.join(p.root, s.journalFile));
    assert.deepEqual(evs.map((e) => e.seq), evs.map((_, i) => i + 1));
    assert.equal(evs.at(-1)!.type, 'skip');
    assert.ok(!fs.existsSync(lock));
  });
});
