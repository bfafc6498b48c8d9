// Writes schemas/project.schema.json from the zod schema in src/core/project/schema.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { projectJsonSchema } from '../src/core/project/json-schema';

mkdirSync('schemas', { recursive: true });
writeFileSync('schemas/project.schema.json', JSON.stringify(projectJsonSchema(), null, 2) + '\n');
console.log('wrote schemas/project.schema.json');
