// Adds Database.prototype.fileImage() to sql.js (node_modules/sql.js/dist/sql-wasm.js), run by postinstall before
// the bundles are built. sql.js keeps a database as a file in Emscripten's in-memory file system; fileImage()
// returns a view of that file's bytes, where export() copies every page through SQLite's backup API into a new
// buffer of the database's size. The index snapshot writes the view (src/core/store/snapshot.ts), so a save of
// a 600 MB index touches no new 600 MB buffer. sql.js does not export its file system, so the method is added
// inside its module, next to export(), from the names export() itself uses (the build is minified). Idempotent.
// When the file does not have the shape this expects, it says so and leaves it alone: saves then use export(),
// and the unit test of fileImage fails with this script's name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* data-labeling: fileImage */';

/** The patched text of sql-wasm.js, or an Error saying why it cannot be patched; `source` itself when already patched. */
export function patchSqlJs(source) {
  if (source.includes(MARK)) return source;
  // export(): `G.prototype.X=function(){if(!this.db)throw Error("Database closed");var f=this.filename+"_export";...
  // var r=LOOKUP(f).node,...; ... r.CONTENTS.set(...); r.USED=Math.max(r.USED,...)`
  const m = /(\w+)\.prototype\.(\w+)=function\(\)\{if\(!this\.db\)throw Error\("Database closed"\);var (\w+)=this\.filename\+\s*"_export";[\s\S]{0,200}?var (\w+)=(\w+)\(\3\)\.node,[\s\S]{0,300}?\4\.(\w+)\.set\([\s\S]{0,100}?\4\.(\w+)=Math\.max\(\4\.\7,/.exec(source);
  if (!m) return new Error("export() is not of the shape this patch reads");
  const [, proto, exportName, , , lookup, contents, used] = m;
  const anchor = `${proto}.prototype["export"]=${proto}.prototype.${exportName};`;
  const at = source.indexOf(anchor);
  if (at < 0 || source.indexOf(anchor, at + 1) >= 0) return new Error(`the export() binding (${anchor}) is not found once`);
  const method = `${MARK}${proto}.prototype.fileImage=function(){if(!this.db)throw Error("Database closed");var n=${lookup}(this.filename).node;return n.${contents}.subarray(0,n.${used})};`;
  return source.slice(0, at) + method + source.slice(at);
}

function main() {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const file = path.join(root, 'node_modules/sql.js/dist/sql-wasm.js');
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    console.warn(`patch-sql-js: ${file} not read (${e.message}); index snapshots will be saved with export()`);
    return;
  }
  const patched = patchSqlJs(source);
  if (patched instanceof Error) {
    console.warn(`patch-sql-js: ${file} left as it is: ${patched.message}; index snapshots will be saved with export()`);
    return;
  }
  if (patched === source) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, patched);
  fs.renameSync(tmp, file);
  console.log('patch-sql-js: added Database.fileImage() to sql.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
