/**
 * `node scripts/build-if-stale.js [--force]`: compiles the sources into dist/ (tsc -p
 * tsconfig.build.json) unless dist/ already holds the build of exactly these sources. `npm start`
 * and the CLI scripts run it first, so a fresh clone builds once and every later call starts the
 * compiled code at once; `npm run build` passes --force.
 *
 * "Exactly these sources": a fingerprint of every file the build reads from the repository (the
 * tsconfig files, the lock file, and every file under the folders tsconfig.build.json includes:
 * path, size, modification time), kept in dist/ once a build succeeded. Checking it costs a few milliseconds;
 * tsc's own incremental mode would still parse the whole program, which takes seconds.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const BUILD_CONFIG = 'tsconfig.build.json';
const INPUT_FILES = ['tsconfig.json', BUILD_CONFIG, 'package-lock.json'];
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git']);
/** Written by the build itself (from the other inputs), so it cannot make a build stale. */
const GENERATED_FILES = new Set([path.join('apps', 'console', 'src', 'api', 'schema.d.ts')]);
const LOCK_WAIT_MS = 10 * 60_000;

function fingerprint(root) {
  const { include = [] } = JSON.parse(fs.readFileSync(path.join(root, BUILD_CONFIG), 'utf8'));
  const hash = createHash('sha256');
  const add = (file) => {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  const walk = (folder) => {
    const entries = fs.readdirSync(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(full);
      } else if (entry.isFile() && !GENERATED_FILES.has(path.relative(root, full))) add(full);
    }
  };
  for (const file of INPUT_FILES) if (fs.existsSync(path.join(root, file))) add(path.join(root, file));
  for (const folder of include) {
    const full = path.join(root, folder);
    if (fs.existsSync(full)) walk(full);
  }
  return hash.digest('hex');
}

function stampPath(root) {
  return path.join(root, 'dist', '.build-fingerprint');
}

function isFresh(root) {
  try {
    return fs.readFileSync(stampPath(root), 'utf8') === fingerprint(root);
  } catch {
    return false;
  }
}

function processRuns(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * One build at a time per checkout: several CLIs (or test files) started together on a fresh clone
 * wait for the first one's build instead of writing dist/ over each other. A lock whose process
 * died is taken over.
 */
function withBuildLock(root, run) {
  const lock = path.join(root, 'dist', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lock, 'utf8'));
      if (!Number.isInteger(owner) || owner <= 0 || !processRuns(owner)) fs.rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by pid ${owner} for too long`);
      else sleep(200);
    }
  }
  try {
    return run();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * The web console (apps/console) into dist/console, after the API: its client types come from the
 * compiled API's OpenAPI document, so the bundle and the API it calls are always of one build.
 */
function buildConsole(root) {
  const config = path.join('apps', 'console', 'vite.config.mts');
  // A tree without the console (the script's own test project) builds its sources only.
  if (!fs.existsSync(path.join(root, config))) return;
  const { writeDocument, writeTypes } = require('./console-api');
  writeDocument(true);
  writeTypes();
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}

/** Builds `root` unless its dist/ is fresh (or `force`); returns what it did. */
function buildIfStale(root, { force = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  if (!force && isFresh(root)) return 'fresh';
  return withBuildLock(root, () => {
    // Another process may have built while this one waited for the lock.
    if (!force && isFresh(root)) return 'fresh';
    const inputs = fingerprint(root);
    if (!force) log('Compiling the sources into dist/ (they changed since the last build)...');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root, __dirname] });
    const result = spawnSync(process.execPath, [tsc, '-p', BUILD_CONFIG], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`tsc -p ${BUILD_CONFIG} failed (exit ${result.status})`);
    buildConsole(root);
    // The fingerprint of the inputs as they were when tsc started: a file edited during the build
    // makes the next call build again.
    fs.writeFileSync(stampPath(root), inputs);
    return 'built';
  });
}

module.exports = { buildIfStale, fingerprint };

if (require.main === module) {
  try {
    buildIfStale(path.resolve(__dirname, '..'), { force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
