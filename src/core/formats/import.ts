/**
 * `importLabels`: parses one file (or folder for YOLO / VOC / MLTable) into the uniform ImportResult.
 * Nothing is applied here: `mapImport` resolves refs and labels, and the store appends one batch.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LabelingError } from '../errors';
import { importAzureJsonl } from './azure-import';
import { importCoco } from './coco-import';
import { importConll } from './conll-import';
import { importCsv } from './csv-import';
import { invalid, isObject, readText } from './import-common';
import { importLabelStudio } from './labelstudio-import';
import { importVoc } from './voc-import';
import { importVocMasks } from './mask-import';
import { importYolo } from './yolo-import';
import type { ImportFormat, ImportOptions, ImportResult } from './types';

export async function importLabels(format: ImportFormat, path: string, opts: ImportOptions): Promise<ImportResult> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    (e: Error) => {
      throw new LabelingError('not-found', `cannot read: ${e.message}`, { file: path }, { cause: e });
    },
  );
  switch (format) {
    case 'coco':
      return importCoco(path, opts);
    case 'azure-jsonl':
      return importAzureJsonl(path, opts);
    case 'mltable':
      return importMlTable(isDir ? join(path, 'MLTable') : path, opts);
    case 'labelstudio':
      return importLabelStudio(path, opts);
    case 'conll':
      return importConll(path, opts);
    case 'yolo':
      if (!isDir) throw invalid(path, 'a YOLO dataset is a folder with classes.txt and labels/');
      return importYolo(path, opts);
    case 'voc':
      return opts.target === 'mask' ? importVocMasks(path, opts) : importVoc(path, opts, isDir);
    case 'csv':
      return importCsv(path, opts);
  }
}

/**
 * An Azure MLTable: its first `paths[].file` is read as JSONL (`read_json_lines`), CSV
 * (`read_delimited`) or, with neither (Azure's NER form), CoNLL.
 */
export async function importMlTable(file: string, opts: ImportOptions): Promise<ImportResult> {
  let doc: unknown;
  try {
    doc = parseYaml(await readText(file));
  } catch (e) {
    if (e instanceof LabelingError) throw e;
    throw invalid(file, `not valid YAML: ${(e as Error).message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.paths) || !doc.paths.length) throw invalid(file, 'an MLTable needs "paths"', { field: 'paths' });
  const first = doc.paths[0];
  const rel = isObject(first) ? first.file : undefined;
  if (typeof rel !== 'string' || !rel) throw invalid(file, 'only "file" paths are supported', { field: 'paths[0]' });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rel)) throw invalid(file, `remote path ${rel}: download the data and point the MLTable at a local file`, { field: 'paths[0].file' });
  const data = join(dirname(file), rel);
  const steps = Array.isArray(doc.transformations) ? doc.transformations : [];
  const has = (name: string): boolean => steps.some((t) => isObject(t) && name in t);
  if (has('read_json_lines')) return importAzureJsonl(data, opts);
  if (has('read_delimited')) return importCsv(data, opts);
  return importConll(data, opts);
}
