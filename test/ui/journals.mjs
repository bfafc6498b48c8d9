// Journal files of a UI test's workspace, read and written as the extension does (src/core/journal/):
// what the tests check after an action, and teammates' journals seeded as a git pull brings them.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every journal event of project `id`, batch lines expanded into their events (each with its line's `by`),
 * each with the folder (labeler) it came from.
 */
export function journalEvents(workspace, id) {
  const dir = path.join(workspace, '.labeling', id, 'journal');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((folder) =>
    readdirSync(path.join(dir, folder)).flatMap((f) =>
      readFileSync(path.join(dir, folder, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((x) => {
          const e = JSON.parse(x);
          return e.type === 'batch' ? e.events.map((b) => ({ folder, by: e.by, ...b })) : [{ folder, ...e }];
        }),
    ),
  );
}

/** Waits for `check` to return something truthy (polling the files), else fails naming `what`. */
export async function until(check, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The events of `type` once there are at least `n` of them. */
export function waitForEvent(workspace, id, type, n = 1) {
  return until(() => {
    const list = journalEvents(workspace, id).filter((e) => e.type === type);
    return list.length >= n ? list : undefined;
  }, `${n} ${type} event(s) in ${id}'s journal`, 15000);
}

/**
 * Writes a teammate's journal file journal/<by>/<dev>.jsonl as JournalWriter.append writes it (src/core/journal/
 * writer.ts): version-2 lines `{v, at, by, dev, seq, ...payload, ps}`, seq from 1, one second apart from
 * `startMs`, `ps` the project events seen (none in these projects).
 */
export function teammateJournal(workspace, id, by, dev, payloads, startMs) {
  const dir = path.join(workspace, '.labeling', id, 'journal', by);
  mkdirSync(dir, { recursive: true });
  const lines = payloads.map((p, i) => JSON.stringify({ v: 2, at: new Date(startMs + i * 1000).toISOString(), by, dev, seq: i + 1, ...p, ps: [] }));
  writeFileSync(path.join(dir, `${dev}.jsonl`), lines.join('\n') + '\n');
}

/** Sets project `id`'s consensus rule in its project.json. */
export function setConsensus(workspace, id, minLabelers, maxLabelers) {
  const file = path.join(workspace, '.labeling', id, 'project.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), consensus: { minLabelers, maxLabelers } }, null, 2) + '\n');
}
