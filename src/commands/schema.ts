// `modelctl schema`: prints the JSON Schema of models.yaml, made from the zod schema the loader uses, so an editor
// can complete and check the file (the package ships the same text as schema/models.schema.json).
import { modelsJsonSchema } from '../../common/config/json-schema.js';

/** The schema as the shipped file holds it: two-space JSON and a final newline. */
export const schemaText = (): string => `${JSON.stringify(modelsJsonSchema(), null, 2)}\n`;

/** Writes the schema to stdout. */
export function schema(): void {
  process.stdout.write(schemaText());
}
