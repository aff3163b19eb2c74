import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@ops/infra/auth';

/** A link is worth a session for this long, and once. */
export const SIGN_IN_LINK_TTL_SECONDS = 15 * 60;
/** A console session (and its token) lasts this long at most; signing in again opens a new one. */
export const CONSOLE_SESSION_TTL_SECONDS = 60 * 60;
/** 32 random bytes, base64url. */
export const SIGN_IN_CODE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A query as both a TypeORM DataSource and a pg Pool can run it, answering the rows. Writes that
 * answer rows are wrapped in a SELECT: TypeORM answers an UPDATE's rows with its count attached.
 */
export type RunQuery = (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;

export interface SignInGrant {
  subject: string;
  roles: Role[];
}

function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/**
 * The code travels in the URL's fragment, which browsers never send: it stays out of access logs
 * and proxies, and the server refuses credentials in query strings anyway.
 */
export function signInUrl(origin: string, code: string): string {
  return `${origin}/console/sign-in#code=${code}`;
}

/** Stores a new one-time link for `grant` and answers its code (kept nowhere but in the link). */
export async function createSignInLink(query: RunQuery, grant: SignInGrant): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  await query(
    `INSERT INTO console_sign_in_links (code_hash, subject, roles, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [codeHash(code), grant.subject, grant.roles, SIGN_IN_LINK_TTL_SECONDS],
  );
  return code;
}

/**
 * Uses up a link: one UPDATE both checks and marks it, so two requests racing with the same code
 * cannot both win. Null when the code is unknown, used or expired.
 */
export async function consumeSignInLink(query: RunQuery, code: string): Promise<SignInGrant | null> {
  const rows = await query(
    `WITH used AS (
       UPDATE console_sign_in_links SET used_at = now()
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING subject, roles)
     SELECT subject, roles FROM used`,
    [codeHash(code)],
  );
  if (rows.length === 0) return null;
  return { subject: String(rows[0].subject), roles: rows[0].roles as Role[] };
}

export async function openConsoleSession(
  query: RunQuery,
  grant: SignInGrant,
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomUUID();
  const rows = await query(
    `WITH opened AS (
       INSERT INTO console_sessions (id, subject, roles, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at)
     SELECT expires_at FROM opened`,
    [id, grant.subject, grant.roles, CONSOLE_SESSION_TTL_SECONDS],
  );
  return { id, expiresAt: new Date(rows[0].expires_at as string | Date) };
}

export async function revokeConsoleSession(query: RunQuery, id: string): Promise<void> {
  await query('UPDATE console_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

/** Whether anyone ever signed in to the console: the link printed at start is for the first admin. */
export async function anyoneSignedIn(query: RunQuery): Promise<boolean> {
  return (await query('SELECT 1 FROM console_sessions LIMIT 1', [])).length > 0;
}
