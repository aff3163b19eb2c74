import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import type { NodeConfig } from '../runtime/node-config';
import type { AuthConfig } from './auth-config';
import { loadOrCreateSecretFile, loadSecretFile } from '../crypto/secret-file';
import type { Role } from './roles';

type LocalJwtConfig = Pick<AuthConfig, 'JWT_SECRET'> & Pick<NodeConfig, 'DATA_DIR'>;

export const LOCAL_JWT_SECRET_FILE = 'jwt-secret';
const SECRET_BYTES = 48;
const MIN_SECRET_LENGTH = 32;

/**
 * The single-node signing secret: generated on first use and kept in `<dataDir>/jwt-secret`
 * (mode 0600), so tokens survive restarts and `npm run token` signs what the server accepts.
 */
export function loadOrCreateLocalJwtSecret(dataDir: string): string {
  return usable(
    dataDir,
    loadOrCreateSecretFile(dataDir, LOCAL_JWT_SECRET_FILE, () =>
      randomBytes(SECRET_BYTES).toString('base64url'),
    ),
  );
}

function usable(dataDir: string, secret: string): string {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${join(dataDir, LOCAL_JWT_SECRET_FILE)} holds no usable JWT secret (fewer than ${MIN_SECRET_LENGTH} characters)`,
    );
  }
  return secret;
}

/** The server's side: JWT_SECRET when set (several processes sharing a secret), else the one kept in DATA_DIR. */
export function resolveLocalJwtSecret(config: LocalJwtConfig): string {
  return config.JWT_SECRET ?? loadOrCreateLocalJwtSecret(config.DATA_DIR);
}

/**
 * A tool's side: the secret the server verifies with, or undefined when there is none yet. A tool
 * never makes one: a token signed with a secret the server does not hold would only be refused.
 */
export function findLocalJwtSecret(config: LocalJwtConfig): string | undefined {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const secret = loadSecretFile(config.DATA_DIR, LOCAL_JWT_SECRET_FILE);
  return secret === undefined ? undefined : usable(config.DATA_DIR, secret);
}

export interface LocalTokenRequest {
  sub: string;
  roles: readonly Role[];
  ttlSeconds: number;
  /** The console session the token belongs to (`console_sid`), which sign-out revokes. */
  sessionId?: string;
}

export interface LocalSigner {
  secret: string;
  issuer: string;
  /** What the server checks `aud` against: its JWT_AUDIENCE. */
  audience: string;
}

/** An HS256 token carrying its roles where Keycloak puts them (`realm_access.roles`). */
export function signLocalToken(request: LocalTokenRequest, signer: LocalSigner): string {
  const session = request.sessionId === undefined ? {} : { console_sid: request.sessionId };
  return sign({ realm_access: { roles: [...request.roles] }, ...session }, signer.secret, {
    algorithm: 'HS256',
    subject: request.sub,
    issuer: signer.issuer,
    audience: signer.audience,
    expiresIn: request.ttlSeconds,
  });
}
