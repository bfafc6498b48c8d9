// Test entry loaded by the VS Code extension host (extensionTestsPath): runs every *.test.js beside it.
// It must export run(): Promise<void>; a rejection => the extension host exits with code 1.
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const resultFile = process.env.EXT_TEST_RESULT_FILE; // set on code-server's env, inherited by the ext host
  const lines: string[] = [];
  // mocha reporters print through Base.consoleLog (captured from console.log when mocha loads); tee it.
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void };
  const original = Base.consoleLog;
  Base.consoleLog = (...args: unknown[]) => { lines.push(format(...args)); original(...args); };
  const save = (failures: number, stats?: Mocha.Stats, extra = '') => {
    Base.consoleLog = original;
    if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({
      failures, passes: stats?.passes ?? 0, pending: stats?.pending ?? 0, output: lines.join('\n') + '\n' + extra,
    }));
  };

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000, reporter: 'spec' });
  // EXT_TEST_FILES=palette,foundation runs only the test files whose names contain one of those words
  // (code-server passes its environment on to the extension host).
  const only = process.env.EXT_TEST_FILES?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of fs.readdirSync(__dirname)) {
    if (f.endsWith('.test.js') && (!only?.length || only.some((w) => f.includes(w)))) mocha.addFile(path.join(__dirname, f));
  }

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(failures => {
        save(failures, runner.stats);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      save(-1, undefined, String((err as Error)?.stack ?? err));
      reject(err);
    }
  });
}
