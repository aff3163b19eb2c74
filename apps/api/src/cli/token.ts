/**
 * `npm run token -- --sub <id> --role <role> [--role <role>...] [--ttl 1h]`: prints a bearer token
 * for the single-node instance, signed with the same secret the server verifies with. The token is
 * the last line of the output, so scripts can take it with `tail -n 1`.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isValidSubject } from '@ops/infra/auth/authenticated-user';
import { resolveLocalJwtSecret, signLocalToken } from '@ops/infra/auth/local-jwt';
import { isRole, type Role, ROLES } from '@ops/infra/auth/roles';
import { type AppConfig, ConfigError, loadConfig } from '@ops/infra/config/app-config';

const EXIT_USAGE = 2;
const EXIT_REFUSED = 1;
const MAX_TTL_SECONDS = 30 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

const USAGE = `Usage: npm run token -- --sub <id> --role <role> [--role <role>...] [--ttl <duration>]
  --sub   the user id the token speaks for (its subject): letters, digits, '.', '_', '@', '-'
  --role  one of ${ROLES.join(', ')}; repeat for several
  --ttl   lifetime as <n>s, <n>m, <n>h or <n>d (default 1h, at most 30d and JWT_MAX_LIFETIME_SECONDS)
Signs with JWT_SECRET, or the secret kept in DATA_DIR/jwt-secret (created if missing), for the
audience JWT_AUDIENCE.`;

class UsageError extends Error {}

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
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs names the offending argument; that is the whole usage error.
    throw new UsageError((error as Error).message);
  }
}

function parseRequest(argv: string[]): TokenRequest | 'help' {
  const values = readArgs(argv);
  if (values.help) return 'help';
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

function main(): number {
  let request: TokenRequest | 'help';
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`token: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (request === 'help') {
    console.log(USAGE);
    return 0;
  }

  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`token: ${error.message}`);
    return EXIT_REFUSED;
  }
  if (config.AUTH_MODE !== 'local') {
    console.error(
      `token: AUTH_MODE=${config.AUTH_MODE}: tokens come from Keycloak; this command only signs for the single-node (local) mode.`,
    );
    return EXIT_REFUSED;
  }

  if (request.ttlSeconds > config.JWT_MAX_LIFETIME_SECONDS) {
    console.error(
      `token: --ttl ${request.ttl} is longer than JWT_MAX_LIFETIME_SECONDS (${config.JWT_MAX_LIFETIME_SECONDS} s): the server would refuse the token.`,
    );
    return EXIT_REFUSED;
  }
  const token = signLocalToken(request, {
    secret: resolveLocalJwtSecret(config),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  console.log(
    `Bearer token for ${request.sub} (roles: ${request.roles.join(', ')}), valid for ${request.ttl}:`,
  );
  console.log(token);
  return 0;
}

process.exitCode = main();
