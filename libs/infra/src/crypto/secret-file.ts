import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * A secret the single-node instance generates once and keeps in `<dataDir>/<fileName>` (mode 0600),
 * so it survives restarts and every process on the data folder reads the same one.
 */
export function loadOrCreateSecretFile(dataDir: string, fileName: string, generate: () => string): string {
  // DATA_DIR keeps its default mode: the embedded Postgres, running as another user, must reach it.
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, fileName);
  if (!existsSync(path)) createExclusively(path, generate());
  return readPrivately(path);
}

/** The secret a node keeps in `<dataDir>/<fileName>`, or undefined when there is none: never makes one. */
export function loadSecretFile(dataDir: string, fileName: string): string | undefined {
  const path = join(dataDir, fileName);
  return existsSync(path) ? readPrivately(path) : undefined;
}

function readPrivately(path: string): string {
  // A copied or restored file may have lost its mode; the secret must stay private.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/**
 * Writes a temporary file and hard-links it into place: two processes starting together both end up
 * reading the one complete secret that won, never a half-written or a second one.
 */
function createExclusively(path: string, secret: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, secret, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}
