/** data-labeling init <workspace> --name <id> --type <type> --data <glob> [...] */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { extensionOf, IMAGE_EXTENSIONS, TABLE_EXTENSIONS } from '../../core/ingest/globs';
import { PROJECT_TYPES, mediaOf, type DataSource, type ProjectType } from '../../core/model';
import { createProject } from '../../core/project/create';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { ProjectStore } from '../../core/store/project-store';
import { parseCommandArgs, requirePositional, storeFiles, type CliCommand } from '../io';

const usage =
  'data-labeling init <workspace> --name <id> --type <type> --data <glob> [--text-column <c>] [--id-column <c>] [--labels a,b,c] [--title <display name>] [--ignore-label <name> (semantic segmentation)]';

/** The data kind follows the glob's extension: images, tables (need --text-column), else text files. */
export function inferDataSource(glob: string, textColumn?: string, idColumn?: string): DataSource {
  const ext = extensionOf(glob.replace(/\{[^}]*\}$/, ''));
  if (IMAGE_EXTENSIONS.includes(ext)) return { kind: 'images', glob };
  if (TABLE_EXTENSIONS.includes(ext)) {
    if (!textColumn) throw new LabelingError('invalid-input', `--text-column is required for table data (${glob})`, { field: '--text-column' });
    return idColumn ? { kind: 'table', glob, textColumn, idColumn } : { kind: 'table', glob, textColumn };
  }
  return { kind: 'text-files', glob };
}

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'create a labeling project over files in a workspace and index it',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      name: { type: 'string' },
      title: { type: 'string' },
      type: { type: 'string' },
      data: { type: 'string' },
      'text-column': { type: 'string' },
      'id-column': { type: 'string' },
      labels: { type: 'string' },
      'ignore-label': { type: 'string' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    if (!values.name) throw new LabelingError('invalid-input', `--name is required\nusage: ${usage}`, { field: '--name' });
    const type = values.type as ProjectType | undefined;
    if (!type || !PROJECT_TYPES.includes(type)) {
      throw new LabelingError('invalid-input', `--type must be one of ${PROJECT_TYPES.join(', ')}`, { field: '--type' });
    }
    if (!values.data) throw new LabelingError('invalid-input', `--data is required\nusage: ${usage}`, { field: '--data' });
    const source = inferDataSource(values.data, values['text-column'], values['id-column']);
    if ((source.kind === 'images') !== (mediaOf(type) === 'image')) {
      throw new LabelingError('invalid-input', `--data ${values.data} does not fit a ${type} project`, { field: '--data' });
    }
    const labels = (values.labels ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!labels.length) throw new LabelingError('invalid-input', '--labels needs at least one label, e.g. --labels cat,dog', { field: '--labels' });
    const ignore = values['ignore-label'];
    const def = await createProject(root, { id: values.name, ...(values.title ? { name: values.title } : {}), type, labels, dataSources: [source], ...(ignore !== undefined ? { ignoreLabel: ignore } : {}) });
    const store = await ProjectStore.open({ root, id: def.id, labeler: defaultLabeler(root), device: defaultDevice(), ...storeFiles() });
    try {
      const s = store.stats();
      io.out(`Created .labeling/${def.id}/project.json (${type}, ${labels.length} labels): ${s.items} items indexed.`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
