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
import { sign } from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import type { Role } from './roles';

export const LOCAL_JWT_SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 48;
const MIN_SECRET_LENGTH = 32;

/**
 * The single-node signing secret: generated on first use and kept in `<dataDir>/jwt-secret`
 * (mode 0600), so tokens survive restarts and `npm run token` signs what the server accepts.
 */
export function loadOrCreateLocalJwtSecret(dataDir: string): string {
  // DATA_DIR keeps its default mode: the embedded Postgres, running as another user, must reach it.
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCAL_JWT_SECRET_FILE);
  if (!existsSync(path)) createExclusively(path, randomBytes(SECRET_BYTES).toString('base64url'));
  return readSecret(path);
}

/** JWT_SECRET when set (several processes sharing a secret), else the one kept in DATA_DIR. */
export function resolveLocalJwtSecret(config: Pick<AppConfig, 'JWT_SECRET' | 'DATA_DIR'>): string {
  return config.JWT_SECRET ?? loadOrCreateLocalJwtSecret(config.DATA_DIR);
}

export interface LocalTokenRequest {
  sub: string;
  roles: readonly Role[];
  ttlSeconds: number;
}

export interface LocalSigner {
  secret: string;
  issuer: string;
}

/** An HS256 token carrying its roles where Keycloak puts them (`realm_access.roles`). */
export function signLocalToken(request: LocalTokenRequest, signer: LocalSigner): string {
  return sign({ realm_access: { roles: [...request.roles] } }, signer.secret, {
    algorithm: 'HS256',
    subject: request.sub,
    issuer: signer.issuer,
    expiresIn: request.ttlSeconds,
  });
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

function readSecret(path: string): string {
  // A copied or restored file may have lost its mode; the secret must stay private.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${path} holds no usable JWT secret (fewer than ${MIN_SECRET_LENGTH} characters)`);
  }
  return secret;
}
