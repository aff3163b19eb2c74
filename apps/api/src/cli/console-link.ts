/**
 * `npm run console-link -- [--sub <id>] [--role <role>...]`: prints a new one-time sign-in link
 * for the console of the single-node instance (default: the first admin, `admin` with role admin).
 * The link is the last line of the output.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { isValidSubject } from '@ops/infra/auth/authenticated-user';
import { isRole, ROLES } from '@ops/infra/auth/roles';
import { openDatabase } from '@ops/infra/database/data-source';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { CliRefusal, EXIT_OK, runCli, UsageError } from '@ops/infra/runtime/cli-runner';
import { FIRST_ADMIN } from '../console/console-sign-in-announcer';
import { createSignInLink, SIGN_IN_LINK_TTL_SECONDS, signInUrl } from '../console/sign-in-links';

const USAGE = `Usage: npm run console-link -- [--sub <id>] [--role <role>...] [--data-dir <dir>]
  --sub       who the link signs in (default ${FIRST_ADMIN.subject})
  --role      one of ${ROLES.join(', ')}; repeat for several (default admin)
  --data-dir  the server's DATA_DIR (default: DATA_DIR, else ./.data)
  -h, --help  this text
The link works once, within ${SIGN_IN_LINK_TTL_SECONDS / 60} minutes.`;

function readArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: { sub: { type: 'string' }, role: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function consoleLink(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const values = readArgs(args);
  const subject = values.sub ?? FIRST_ADMIN.subject;
  if (!isValidSubject(subject)) throw new UsageError('--sub is not a valid user id');
  const requested = values.role ?? [...FIRST_ADMIN.roles];
  const unknown = requested.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  const { config, node, stop } = await openCliDatabase(env);
  try {
    if (config.AUTH_MODE !== 'local') {
      throw new CliRefusal(`AUTH_MODE=${config.AUTH_MODE}: people sign in to the console through Keycloak`);
    }
    // Brings the schema up to date first: the link table may be newer than the database.
    await (await openDatabase(config.DATABASE_URL, { poolSize: 2 })).destroy();
    const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
    try {
      const code = await createSignInLink(
        async (sql, parameters) => (await pool.query(sql, parameters)).rows,
        {
          subject,
          roles: [...new Set(requested.filter(isRole))],
        },
      );
      const origin = `http://localhost:${node?.port ?? config.PORT}`;
      console.log(
        `One-time console sign-in link for ${subject} (valid ${SIGN_IN_LINK_TTL_SECONDS / 60} minutes):`,
      );
      console.log(signInUrl(origin, code));
    } finally {
      await pool.end();
    }
  } finally {
    await stop();
  }
  return EXIT_OK;
}

runCli({ name: 'console-link', usage: USAGE, run: consoleLink });
