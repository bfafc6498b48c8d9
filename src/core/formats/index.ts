/** Import/export codecs: the public surface used by the host and the CLI. */
export { exportLabels } from './export';
export { importLabels, importMlTable } from './import';
export { mapImport, itemIndexOf, resolveRef } from './map-import';
export type { ItemIndex, MapImportOptions, MapImportResult, ImportSummary } from './map-import';
export { formatsFor, EXPORT_FORMATS, IMPORT_FORMATS } from './types';
export type {
  ExportFormat,
  ExportOptions,
  ExportSummary,
  ImportFormat,
  ImportOptions,
  ImportProblem,
  ImportRecord,
  ImportResult,
  ImportSubmit,
  ImageSize,
  ProgressCallback,
  SizeLookup,
} from './types';
