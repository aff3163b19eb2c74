/**
 * `node scripts/console-api.js [--from-dist]`: writes the API's OpenAPI document
 * (.cache/openapi.json) and the console's client types generated from it
 * (apps/console/src/api/schema.d.ts). `npm run typecheck` runs it first, so a change to the API that
 * breaks the console fails the type check; the build runs it on the compiled API (--from-dist).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DOCUMENT = path.join(ROOT, '.cache', 'openapi.json');
const TYPES = path.join(ROOT, 'apps', 'console', 'src', 'api', 'schema.d.ts');

function run(args, env) {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${result.status})`);
}

function writeDocument(fromDist) {
  fs.mkdirSync(path.dirname(DOCUMENT), { recursive: true });
  if (fromDist) {
    run(['-r', 'tsconfig-paths/register', 'dist/apps/api/src/cli/openapi-document.js', DOCUMENT], {
      TS_NODE_BASEURL: './dist',
    });
  } else {
    run(
      [
        '-r',
        'ts-node/register',
        '-r',
        'tsconfig-paths/register',
        'apps/api/src/cli/openapi-document.ts',
        DOCUMENT,
      ],
      {
        TS_NODE_TRANSPILE_ONLY: '1',
        TS_NODE_SWC: '1',
      },
    );
  }
}

function writeTypes() {
  const fresh = path.join(ROOT, '.cache', 'schema.d.ts');
  // Its package exports no CLI entry, so the file is named.
  run([path.join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), DOCUMENT, '--output', fresh]);
  // Rewritten only when it changed: the build's fingerprint counts modification times.
  const current = fs.existsSync(TYPES) ? fs.readFileSync(TYPES, 'utf8') : null;
  if (current !== fs.readFileSync(fresh, 'utf8')) fs.copyFileSync(fresh, TYPES);
}

module.exports = { writeDocument, writeTypes };

if (require.main === module) {
  try {
    writeDocument(process.argv.includes('--from-dist'));
    writeTypes();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
