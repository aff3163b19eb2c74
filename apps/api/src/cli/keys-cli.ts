/**
 * `npm run keys -- status | rotate-kek`: the key-encryption keys (KEKs) wrapping every subject's
 * data key. `rotate-kek` re-wraps all data keys under the newest KEK, without reading any sealed
 * field; afterwards older KEKs wrap nothing and can leave the ring. With KEK_KEYS the operator adds
 * the new key (last) to every process first; in single-node mode (the ring file in DATA_DIR) this
 * command generates the new KEK itself.
 */
import 'reflect-metadata';
import { addLocalKek, DataKeyVault, KekRing, loadKekKeys } from '@ops/infra/crypto/data-keys';
import { openDatabase } from '@ops/infra/database/data-source';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { EXIT_OK, runCli, UsageError } from '@ops/infra/runtime/cli-runner';

const USAGE = `Usage: npm run keys -- <command> [--data-dir <dir>]
  status        the KEK ring's ids (newest last) and how many data keys each wraps
  rotate-kek    re-wrap every data key under the newest KEK (single node: a new KEK first)
  --data-dir    the server's DATA_DIR (default: DATA_DIR, else ./.data); the database is the one
                of the node running there, or DATABASE_URL
  -h, --help    this text`;

async function keys(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'status' && command !== 'rotate-kek')
    throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);

  const { config, stop } = await openCliDatabase(env);
  const database = await openDatabase(config.DATABASE_URL, { poolSize: 2 }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  try {
    if (command === 'rotate-kek' && !config.KEK_KEYS) {
      console.log(`generated KEK ${addLocalKek(config)} in ${config.DATA_DIR}`);
    }
    const ring = new KekRing(() => loadKekKeys(config));
    const vault = new DataKeyVault(database, ring);
    if (command === 'rotate-kek') {
      const started = Date.now();
      const { kekId, rewrapped } = await vault.rotateKek();
      console.log(`re-wrapped ${rewrapped} data keys under ${kekId} in ${Date.now() - started} ms`);
    }
    const ids = loadKekKeys(config).map((key) => key.id);
    console.log(
      JSON.stringify({ ring: ids, newest: ring.newestId, data_keys_per_kek: await vault.keysPerKek() }),
    );
    return EXIT_OK;
  } finally {
    await database.destroy();
    await stop();
  }
}

runCli({ name: 'keys', usage: USAGE, run: keys });
