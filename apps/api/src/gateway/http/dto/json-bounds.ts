import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Why a value is unacceptable (a phrase completing "<field> …"), or null when it is fine. */
export type Problem = string | null;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first key of `value` outside `allowed`, phrased as a problem. */
export function unknownKeyProblem(value: Record<string, unknown>, allowed: readonly string[]): Problem {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? null : `has an unknown field '${extra}'`;
}

export function stringProblem(value: unknown, min: number, max: number): Problem {
  if (typeof value !== 'string') return 'must be a string';
  return value.length < min || value.length > max ? `must be ${min}-${max} characters long` : null;
}

/** Nesting depth of a JSON value, walked without recursion so no input can exhaust the stack. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** A JSON object (a JSON Schema, say) bounded in nesting and in serialized size. */
export function boundedObjectProblem(value: unknown, maxDepth: number, maxChars: number): Problem {
  if (!isRecord(value)) return 'must be an object';
  if (depthOf(value, maxDepth) > maxDepth) return `must nest at most ${maxDepth} levels deep`;
  return JSON.stringify(value).length > maxChars ? `must be at most ${maxChars} characters as JSON` : null;
}

/** A problem naming a sub-field continues the path before it: `tools` + `[3].function.name …`. */
export function withPath(path: string, problem: string): string {
  if (path === '') return problem;
  return problem.startsWith('[') || problem.startsWith('.') ? `${path}${problem}` : `${path} ${problem}`;
}

/** A property decorator from a problem function: the error names the field and the problem. */
export function Bounded(
  name: string,
  problemOf: (value: unknown) => Problem,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value) => problemOf(value) === null,
        defaultMessage: (args) => withPath(args?.property ?? 'value', problemOf(args?.value) ?? ''),
      },
    },
    options,
  );
}
