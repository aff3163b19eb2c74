import { isAbsolute, join, relative } from 'node:path';

/** True when `path` is `root` or lies below it; both must already be absolute and normalized. */
export function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return !(fromRoot === '..' || fromRoot.startsWith('../') || isAbsolute(fromRoot));
}

/**
 * A path of the managed system (e.g. a home from passwd) as seen under the agent's root. Refuses a
 * path that would leave the root, so a hand-edited passwd cannot aim the agent at the real system.
 */
export function pathInRoot(root: string, systemPath: string): string {
  const path = join(root, systemPath);
  if (!isInside(root, path)) throw new Error(`${systemPath} leaves the root ${root}`);
  return path;
}
