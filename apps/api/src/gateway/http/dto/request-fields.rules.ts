import {
  boundedObjectProblem,
  isRecord,
  stringProblem,
  unknownKeyProblem,
  withPath,
  type Problem,
} from './json-bounds';

/*
 * Bounds on the forwarded fields whose shape is a union or a free-form object, so no field can carry an
 * unbounded payload to the provider. OpenAI's own limits where it documents them (4 stop sequences, 128
 * tools, 64-character function names, 16 metadata pairs of 64/512 characters); ours where it does not.
 * Everything forwarded is also counted in the credit hold (estimateRequestTokens).
 */

export const MAX_STOP_SEQUENCES = 4;
export const MAX_STOP_LENGTH = 256;
export const MAX_TOOLS = 128;
export const MAX_DESCRIPTION_LENGTH = 4_096;
/** A JSON Schema (tool parameters, response_format) as JSON text; OpenAI's own schema limits land well below. */
export const MAX_SCHEMA_CHARS = 65_536;
export const MAX_SCHEMA_DEPTH = 32;
export const MAX_LOGIT_BIAS_ENTRIES = 300;
export const MAX_METADATA_PAIRS = 16;

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOKEN_ID = /^\d{1,7}$/;

function functionNameProblem(name: unknown): Problem {
  return typeof name === 'string' && FUNCTION_NAME.test(name)
    ? null
    : 'must be 1-64 letters, digits, underscores or dashes';
}

function optionalBoolean(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'boolean';
}

function schemaProblem(value: unknown): Problem {
  return value === undefined ? null : boundedObjectProblem(value, MAX_SCHEMA_DEPTH, MAX_SCHEMA_CHARS);
}

function descriptionProblem(value: unknown): Problem {
  return value === undefined ? null : stringProblem(value, 0, MAX_DESCRIPTION_LENGTH);
}

/** The first problem of several labelled checks, with its label. */
export function first(checks: ReadonlyArray<readonly [label: string, problem: Problem]>): Problem {
  const found = checks.find(([, problem]) => problem !== null);
  return found ? withPath(found[0], found[1] as string) : null;
}

export function stopProblem(value: unknown): Problem {
  const sequences = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(sequences) || sequences.length > MAX_STOP_SEQUENCES) {
    return `must be a string or a list of at most ${MAX_STOP_SEQUENCES} strings`;
  }
  return first(
    sequences.map((sequence, index) => [`[${index}]`, stringProblem(sequence, 1, MAX_STOP_LENGTH)]),
  );
}

function toolProblem(tool: unknown): Problem {
  if (!isRecord(tool)) return 'must be an object';
  const fn = tool.function;
  if (tool.type !== 'function' || !isRecord(fn)) return "must be {type: 'function', function: {…}}";
  return first([
    ['', unknownKeyProblem(tool, ['type', 'function'])],
    ['.function', unknownKeyProblem(fn, ['name', 'description', 'parameters', 'strict'])],
    ['.function.name', functionNameProblem(fn.name)],
    ['.function.description', descriptionProblem(fn.description)],
    ['.function.parameters', schemaProblem(fn.parameters)],
    ['.function.strict', optionalBoolean(fn.strict) ? null : 'must be a boolean'],
  ]);
}

export function toolsProblem(value: unknown): Problem {
  if (!Array.isArray(value) || value.length > MAX_TOOLS)
    return `must be a list of at most ${MAX_TOOLS} tools`;
  return first(value.map((tool, index) => [`[${index}]`, toolProblem(tool)]));
}

export function toolChoiceProblem(value: unknown): Problem {
  if (value === 'none' || value === 'auto' || value === 'required') return null;
  if (!isRecord(value) || value.type !== 'function' || !isRecord(value.function)) {
    return "must be 'none', 'auto', 'required' or {type: 'function', function: {name}}";
  }
  return first([
    ['', unknownKeyProblem(value, ['type', 'function'])],
    ['.function', unknownKeyProblem(value.function, ['name'])],
    ['.function.name', functionNameProblem(value.function.name)],
  ]);
}

export function responseFormatProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object';
  if (value.type === 'text' || value.type === 'json_object') return unknownKeyProblem(value, ['type']);
  if (value.type !== 'json_schema') return "type must be 'text', 'json_object' or 'json_schema'";
  const schema = value.json_schema;
  if (!isRecord(schema)) return '.json_schema must be an object';
  return first([
    ['', unknownKeyProblem(value, ['type', 'json_schema'])],
    ['.json_schema', unknownKeyProblem(schema, ['name', 'description', 'schema', 'strict'])],
    ['.json_schema.name', functionNameProblem(schema.name)],
    ['.json_schema.description', descriptionProblem(schema.description)],
    ['.json_schema.schema', schemaProblem(schema.schema)],
    ['.json_schema.strict', optionalBoolean(schema.strict) ? null : 'must be a boolean'],
  ]);
}

export function logitBiasProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object of token ids to numbers';
  const entries = Object.entries(value);
  if (entries.length > MAX_LOGIT_BIAS_ENTRIES) return `must have at most ${MAX_LOGIT_BIAS_ENTRIES} entries`;
  const bad = entries.find(
    ([token, bias]) => !TOKEN_ID.test(token) || typeof bias !== 'number' || !(bias >= -100 && bias <= 100),
  );
  return bad ? `maps '${bad[0]}' wrongly: keys are token ids, values numbers from -100 to 100` : null;
}

export function metadataProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object of strings';
  const entries = Object.entries(value);
  if (entries.length > MAX_METADATA_PAIRS) return `must have at most ${MAX_METADATA_PAIRS} pairs`;
  return first(
    entries.map(([key, text]) => [
      `[${JSON.stringify(key.slice(0, 64))}]`,
      key.length > 64 ? 'is longer than 64 characters' : stringProblem(text, 0, 512),
    ]),
  );
}

export function streamOptionsProblem(value: unknown): Problem {
  if (!isRecord(value)) return 'must be an object';
  return first([
    ['', unknownKeyProblem(value, ['include_usage'])],
    ['.include_usage', optionalBoolean(value.include_usage) ? null : 'must be a boolean'],
  ]);
}
