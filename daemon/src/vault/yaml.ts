/**
 * The YAML loader used for frontmatter: js-yaml 3 (gray-matter's own dependency, not one of ours)
 * with its CORE schema, so `date: 2024-01-01` stays the string written instead of becoming a Date.
 * If gray-matter's js-yaml cannot be resolved, gray-matter's default engine is used and Dates are
 * turned back into strings by the parser (see toJson in ./parse.ts).
 */
import { createRequire } from 'node:module';

interface JsYaml3 {
  safeLoad(input: string, options: { schema: unknown; json: boolean; filename?: string }): unknown;
  CORE_SCHEMA: unknown;
}

function loadJsYaml(): JsYaml3 | null {
  try {
    const require = createRequire(import.meta.url);
    const fromGrayMatter = createRequire(require.resolve('gray-matter'));
    const yaml = fromGrayMatter('js-yaml') as Partial<JsYaml3>;
    if (typeof yaml.safeLoad !== 'function' || yaml.CORE_SCHEMA === undefined) return null;
    return yaml as JsYaml3;
  } catch {
    return null;
  }
}

const jsYaml = loadJsYaml();

/**
 * YAML text → plain data without Dates (CORE schema; a repeated key keeps the last value), or null
 * when js-yaml is unavailable (the caller then lets gray-matter use its default engine).
 */
export const yamlLoad: ((text: string) => unknown) | null = jsYaml
  ? (text) => jsYaml.safeLoad(text, { schema: jsYaml.CORE_SCHEMA, json: true })
  : null;
