/** The JSON Schema that package.json contributes for `.labeling/*\/project.json`, derived from the zod schema. */
import * as z from 'zod/mini';
import { projectSchema } from './schema';

export function projectJsonSchema(): object {
  return { ...z.toJSONSchema(projectSchema, { io: 'input' }), title: 'Data Labeling project' };
}
