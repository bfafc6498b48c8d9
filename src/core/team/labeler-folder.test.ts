import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { safeSegment } from '../project/paths';
import { MAX_FOLDER_BYTES, MAX_PREFIX, folderNamesLabeler, journalFolderFor, labelerFolder, labelerOfFolder } from './labeler-folder';

const SAFE = /^[A-Za-z0-9@._+~%-]+$/;

describe('labeler folders', () => {
  const ids = [
    'ann@example.com',
    'Ann.Lee+data@Example.COM',
    'ann lee',
    'Zoë Ñúñez',
    '山田太郎@例え.jp',
    '👩‍🔬 lab',
    '100%',
    'a/b\\c',
    '..',
    '.',
    '.hidden',
    'trailing.',
    'con',
    'NUL.txt',
    'com1',
    'lpt9.x',
    'console',
    'a:b*c?"<>|',
    'tab\tnew\nline',
    '%41',
    '~tilde',
    '_',
    'x',
  ];

  it('encodes losslessly: every id comes back from its folder', () => {
    for (const id of ids) {
      const f = labelerFolder(id);
      assert.match(f, SAFE, id);
      assert.equal(labelerOfFolder(f), id, `${JSON.stringify(id)} -> ${f}`);
      assert.ok(folderNamesLabeler(f, id));
    }
    assert.equal(new Set(ids.map(labelerFolder)).size, ids.length, 'distinct ids get distinct folders');
  });

  it('keeps the readable characters and percent-encodes the rest, uppercase', () => {
    assert.equal(labelerFolder('ann@example.com'), 'ann@example.com');
    assert.equal(labelerFolder('Ann.Lee+data_x-y@Example.COM'), 'Ann.Lee+data_x-y@Example.COM');
    assert.equal(labelerFolder('ann lee'), 'ann%20lee');
    assert.equal(labelerFolder('Zoë'), 'Zo%C3%AB');
    assert.equal(labelerFolder('100%'), '100%25');
    assert.equal(labelerFolder('a/b\\c'), 'a%2Fb%5Cc');
    assert.equal(labelerFolder('~'), '%7E');
  });

  it('never makes ".", ".." or a hidden folder, a trailing dot or a Windows device name', () => {
    assert.equal(labelerFolder('.'), '%2E');
    assert.equal(labelerFolder('..'), '%2E%2E');
    assert.equal(labelerFolder('.hidden'), '%2Ehidden');
    assert.equal(labelerFolder('trailing.'), 'trailing%2E');
    assert.equal(labelerFolder('con'), '%63on');
    assert.equal(labelerFolder('NUL.txt'), '%4EUL.txt');
    assert.equal(labelerFolder('console'), 'console');
    assert.throws(() => labelerFolder(''), /must not be empty/);
  });

  it('every folder is a name the file system keeps as given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeler-folder-'));
    try {
      for (const id of ids) fs.mkdirSync(path.join(dir, labelerFolder(id)));
      assert.deepEqual(fs.readdirSync(dir).map((f) => labelerOfFolder(f)).sort(), [...ids].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes only canonical encodings', () => {
    for (const bad of ['', 'a b', 'a%2', 'a%zz', '%2e', 'a%41', '.x', '..', 'x.', 'con', 'a/b', '%C3', '%FF%FE', 'a~b', '%61']) {
      assert.equal(labelerOfFolder(bad), undefined, bad);
    }
  });

  it('compares the labeler case-insensitively', () => {
    assert.ok(folderNamesLabeler(labelerFolder('Ann@Example.com'), 'ann@example.COM'));
    assert.ok(folderNamesLabeler(labelerFolder('ZOË'), 'zoë'));
    assert.ok(!folderNamesLabeler(labelerFolder('ann@example.com'), 'bob@example.com'));
    assert.ok(!folderNamesLabeler(labelerFolder('ann@example.com'), ''));
    assert.ok(!folderNamesLabeler('ann%20lee', 'ann_lee'), 'the lossless folder of "ann lee" does not name "ann_lee"');
  });

  it('accepts the legacy safeSegment folders of existing projects', () => {
    for (const id of ['ann lee', 'Zoë@x.org', '.hidden', 'a/b', 'ann@example.com', 'x'.repeat(150)]) {
      const legacy = safeSegment(id);
      assert.ok(folderNamesLabeler(legacy, id), `${id} -> ${legacy}`);
      assert.ok(folderNamesLabeler(legacy.toUpperCase(), id.toLowerCase()));
    }
    assert.equal(safeSegment('ann lee'), 'ann_lee');
    assert.ok(!folderNamesLabeler('ann_lee', 'bob lee'));
  });

  it('a writer keeps an existing folder of its labeler, else takes the lossless one', () => {
    assert.equal(journalFolderFor('ann lee', []), 'ann%20lee');
    assert.equal(journalFolderFor('ann lee', ['ann_lee', 'bob']), 'ann_lee', 'an existing project goes on in its legacy folder');
    assert.equal(journalFolderFor('ann lee', ['ann_lee', 'ann%20lee']), 'ann%20lee');
    assert.equal(journalFolderFor('ann@x.org', ['ann@x.org']), 'ann@x.org', 'for most emails both are the same');
    assert.equal(journalFolderFor('ann lee', ['ann_lee2']), 'ann%20lee');
  });

  describe('long ids', () => {
    const long = 'ü'.repeat(100) + '@example.com'; // 200 UTF-8 bytes of ü: 600 encoded characters
    const longAscii = 'a'.repeat(300);

    it('stay within 255 bytes: a readable prefix, "~" and a hash', () => {
      for (const id of [long, longAscii, 'x'.repeat(MAX_FOLDER_BYTES), 'x'.repeat(MAX_FOLDER_BYTES + 1), '%'.repeat(90)]) {
        const f = labelerFolder(id);
        assert.ok(Buffer.byteLength(f) <= MAX_FOLDER_BYTES, `${f.length}`);
        assert.match(f, SAFE);
      }
      assert.equal(labelerFolder('x'.repeat(MAX_FOLDER_BYTES)), 'x'.repeat(MAX_FOLDER_BYTES), '255 bytes still fit unhashed');
      const f = labelerFolder(long);
      assert.match(f, /^(%C3%BC)+~[0-9a-f]{32}$/, 'the prefix never splits a %XX');
      assert.ok(f.indexOf('~') <= MAX_PREFIX);
      assert.equal(labelerFolder(longAscii), `${'a'.repeat(MAX_PREFIX)}~${labelerFolder(longAscii).slice(-32)}`);
    });

    it('do not decode, and are matched by the hash, case-insensitively', () => {
      const f = labelerFolder(long);
      assert.equal(labelerOfFolder(f), undefined);
      assert.ok(folderNamesLabeler(f, long));
      assert.ok(folderNamesLabeler(f, long.toUpperCase()));
      assert.equal(labelerFolder(longAscii.toUpperCase()).slice(-32), labelerFolder(longAscii).slice(-32));
      assert.ok(!folderNamesLabeler(f, long + 'x'));
      assert.ok(!folderNamesLabeler(f, 'ü'.repeat(100)), 'same prefix, another id');
      assert.notEqual(labelerFolder(longAscii + 'b'), labelerFolder(longAscii + 'c'));
    });
  });
});
