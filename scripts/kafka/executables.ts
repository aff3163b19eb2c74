import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of a program on PATH, or undefined: lets callers decide before anything is spawned. */
export function findOnPath(program: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const folder of path.split(delimiter).filter((entry) => entry.length > 0)) {
    const candidate = join(folder, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder; try the next one.
    }
  }
  return undefined;
}
