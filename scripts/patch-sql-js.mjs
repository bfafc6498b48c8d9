// Adds two methods to sql.js's Database (node_modules/sql.js/dist/sql-wasm.js), run by postinstall before the
// bundles are built. sql.js keeps a database as a file in Emscripten's in-memory file system (MEMFS):
// - fileImage() returns a view of that file's bytes, where export() copies every page through SQLite's backup API
//   into a new buffer of the database's size. The index snapshot writes the view (src/core/store/snapshot.ts), so a
//   save of a 600 MB index touches no new 600 MB buffer.
// - fileReserve(bytes) gives the file room for `bytes` without writing them: MEMFS grows a file by 1/8 at a time,
//   copying it each time, and a bulk build (src/core/store/db.ts) reserves what it expects to write. The room is
//   fresh memory that is only touched where SQLite writes (a padded file, the fallback, is copied whole first).
// sql.js does not export its file system, so the methods are added inside its module, next to export(), from the
// names export() itself uses (the build is minified). Idempotent, per method (an install patched before
// fileReserve existed gets it). When the file does not have the shape this expects, it says so and leaves it
// alone: saves then use export(), builds a padded file, and the unit test of the methods fails with this name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* data-labeling: fileImage */';
const RESERVE_MARK = '/* data-labeling: fileReserve */';

/** The patched text of sql-wasm.js, or an Error saying why it cannot be patched; `source` itself when already patched. */
export function patchSqlJs(source) {
  if (source.includes(MARK) && source.includes(RESERVE_MARK)) return source;
  // export(): `G.prototype.X=function(){if(!this.db)throw Error("Database closed");var f=this.filename+"_export";...
  // var r=LOOKUP(f).node,...; ... r.CONTENTS.set(...); r.USED=Math.max(r.USED,...)`
  const m = /(\w+)\.prototype\.(\w+)=function\(\)\{if\(!this\.db\)throw Error\("Database closed"\);var (\w+)=this\.filename\+\s*"_export";[\s\S]{0,200}?var (\w+)=(\w+)\(\3\)\.node,[\s\S]{0,300}?\4\.(\w+)\.set\([\s\S]{0,100}?\4\.(\w+)=Math\.max\(\4\.\7,/.exec(source);
  if (!m) return new Error("export() is not of the shape this patch reads");
  const [, proto, exportName, , , lookup, contents, used] = m;
  const anchor = `${proto}.prototype["export"]=${proto}.prototype.${exportName};`;
  const at = source.indexOf(anchor);
  if (at < 0 || source.indexOf(anchor, at + 1) >= 0) return new Error(`the export() binding (${anchor}) is not found once`);
  const open = `if(!this.db)throw Error("Database closed");var n=${lookup}(this.filename).node;`;
  let methods = '';
  if (!source.includes(MARK)) methods += `${MARK}${proto}.prototype.fileImage=function(){${open}return n.${contents}.subarray(0,n.${used})};`;
  // The room: a new buffer of `b` bytes holding the file's bytes so far (MEMFS writes in place while its length suffices).
  if (!source.includes(RESERVE_MARK)) {
    methods += `${RESERVE_MARK}${proto}.prototype.fileReserve=function(b){${open}var u=n.${used}||0,c=n.${contents};if(!c||c.length<b){var r=new Uint8Array(b);c&&r.set(c.subarray(0,u));n.${contents}=r}return n.${contents}.length};`;
  }
  return source.slice(0, at) + methods + source.slice(at);
}

function main() {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.join(root, 'node_modules/sql.js/dist/sql-wasm.js');
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    console.warn(`patch-sql-js: ${file} not read (${e.message}); index snapshots will be saved with export() and bulk builds will pad their file`);
    return;
  }
  const patched = patchSqlJs(source);
  if (patched instanceof Error) {
    console.warn(`patch-sql-js: ${file} left as it is: ${patched.message}; index snapshots will be saved with export() and bulk builds will pad their file`);
    return;
  }
  if (patched === source) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, patched);
  fs.renameSync(tmp, file);
  console.log(`patch-sql-js: added ${['fileImage', 'fileReserve'].filter((n) => !source.includes(`.prototype.${n}=`)).map((n) => `Database.${n}()`).join(' and ')} to sql.js`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
