// Export benchmark: 1,000,000 synthetic box annotations (~333k images) to CSV, COCO and JSONL, each in
// a fresh Node process (clean peak RSS). Merges export_csv, export_coco, export_jsonl (seconds) and
// export_*_rss (MB of peak RSS growth) into test-results/bench.json, keeping other entries.
// Budget (docs/architecture.md): < 10 s each, peak memory < +200 MB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_EXPORT_N ?? 1_000_000);

if (process.argv[2] === '--one') {
  const { benchExport } = await import('../src/core/formats/bench.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    const r = await benchExport(process.argv[3], N, dir);
    process.stdout.write(JSON.stringify(r) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const results = [];
  for (const format of ['csv', 'coco', 'jsonl']) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', format], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(out.trim().split('\n').pop());
    if (r.summary.annotations !== N) throw new Error(`${format}: wrote ${r.summary.annotations} annotations, expected ${N}`);
    const verdict = r.seconds < 10 && r.peakRssDeltaMB < 200 ? 'within budget' : 'OVER BUDGET';
    console.log(`export_${format}: ${N} annotations on ${r.summary.items} items in ${r.seconds.toFixed(2)} s, peak RSS +${r.peakRssDeltaMB.toFixed(0)} MB (${verdict})`);
    results.push({ name: `export_${format}`, n: N, value: Number(r.seconds.toFixed(3)), unit: 's' });
    results.push({ name: `export_${format}_rss`, n: N, value: Number(r.peakRssDeltaMB.toFixed(1)), unit: 'MB' });
  }
  const file = join(root, 'test-results', 'bench.json');
  mkdirSync(dirname(file), { recursive: true });
  const doc = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { results: [] };
  const names = new Set(results.map((r) => r.name));
  doc.results = [...(doc.results ?? []).filter((r) => !names.has(r.name)), ...results];
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + '\n');
  renameSync(tmp, file);
}
