/**
 * `npm run token -- --sub <id> --role <role> [--role <role>...] [--ttl 1h]`: prints a bearer token
 * for the single-node instance, signed with the same secret the server verifies with. The token is
 * the last line of the output, so scripts can take it with `tail -n 1`.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isValidSubject } from '@ops/infra/auth/authenticated-user';
import { findLocalJwtSecret, LOCAL_JWT_SECRET_FILE, signLocalToken } from '@ops/infra/auth/local-jwt';
import { isRole, type Role, ROLES } from '@ops/infra/auth/roles';
import { loadCliConfig } from '@ops/infra/runtime/cli-database';
import { CliRefusal, EXIT_OK, runCli, UsageError } from '@ops/infra/runtime/cli-runner';

const MAX_TTL_SECONDS = 30 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

const USAGE = `Usage: npm run token -- --sub <id> --role <role> [--role <role>...] [--ttl <duration>] [--data-dir <dir>]
  --sub       the user id the token speaks for (its subject): letters, digits, '.', '_', '@', '-'
  --role      one of ${ROLES.join(', ')}; repeat for several
  --ttl       lifetime as <n>s, <n>m, <n>h or <n>d (default 1h, at most 30d and JWT_MAX_LIFETIME_SECONDS)
  --data-dir  the server's DATA_DIR (default: DATA_DIR, else ./.data)
  -h, --help  this text
Signs with JWT_SECRET, or the secret the server keeps in DATA_DIR/jwt-secret (the server creates it
on its first start; this command never does), for the audience JWT_AUDIENCE.`;

interface TokenRequest {
  sub: string;
  roles: Role[];
  ttlSeconds: number;
  ttl: string;
}

const OPTIONS = {
  sub: { type: 'string' },
  role: { type: 'string', multiple: true },
  ttl: { type: 'string', default: '1h' },
} as const;

function readArgs(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs names the offending argument; that is the whole usage error.
    throw new UsageError((error as Error).message);
  }
}

function parseRequest(args: string[]): TokenRequest {
  const values = readArgs(args);
  if (!isValidSubject(values.sub)) throw new UsageError('--sub is missing or not a valid user id');
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError('at least one --role is required');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  return {
    sub: values.sub,
    roles: [...new Set(roles.filter(isRole))],
    ttl: values.ttl,
    ttlSeconds: parseTtl(values.ttl),
  };
}

function parseTtl(ttl: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(ttl);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's'] : 0;
  if (seconds < 1 || seconds > MAX_TTL_SECONDS)
    throw new UsageError(`--ttl ${ttl} is not a duration between 1s and 30d`);
  return seconds;
}

function token(args: string[], env: NodeJS.ProcessEnv): number {
  const request = parseRequest(args);
  const config = loadCliConfig(env);
  if (config.AUTH_MODE !== 'local') {
    throw new CliRefusal(
      `AUTH_MODE=${config.AUTH_MODE}: tokens come from Keycloak; this command only signs for the single-node (local) mode.`,
    );
  }
  if (request.ttlSeconds > config.JWT_MAX_LIFETIME_SECONDS) {
    throw new CliRefusal(
      `--ttl ${request.ttl} is longer than JWT_MAX_LIFETIME_SECONDS (${config.JWT_MAX_LIFETIME_SECONDS} s): the server would refuse the token.`,
    );
  }
  const secret = findLocalJwtSecret(config);
  if (secret === undefined) {
    throw new CliRefusal(
      `no JWT secret: ${join(config.DATA_DIR, LOCAL_JWT_SECRET_FILE)} does not exist and JWT_SECRET is unset; start the server once (npm start) to create it, or pass --data-dir <the server's DATA_DIR>, or set JWT_SECRET to the server's`,
    );
  }
  const signed = signLocalToken(request, {
    secret,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  console.log(
    `Bearer token for ${request.sub} (roles: ${request.roles.join(', ')}), valid for ${request.ttl}:`,
  );
  console.log(signed);
  return EXIT_OK;
}

runCli({ name: 'token', usage: USAGE, run: token });
