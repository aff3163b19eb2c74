/**
 * `npm run keys -- status | rotate-kek`: the key-encryption keys (KEKs) wrapping every subject's
 * data key. `rotate-kek` re-wraps all data keys under the newest KEK, without reading any sealed
 * field; afterwards older KEKs wrap nothing and can leave the ring. With KEK_KEYS the operator adds
 * the new key (last) to every process first; in single-node mode (the ring file in DATA_DIR) this
 * command generates the new KEK itself.
 */
import 'reflect-metadata';
import { ConfigError } from '@ops/infra/config/app-config';
import { addLocalKek, DataKeyVault, KekRing, loadKekKeys } from '@ops/infra/crypto/data-keys';
import { openDatabase } from '@ops/infra/database/data-source';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { parseArgs } from 'node:util';

const USAGE = `usage:
  npm run keys -- status        the KEK ring's ids (newest last) and how many data keys each wraps
  npm run keys -- rotate-kek    re-wrap every data key under the newest KEK (single node: a new KEK first)`;

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const [command, ...rest] = positionals;
  if (rest.length > 0 || (command !== 'status' && command !== 'rotate-kek')) {
    console.error(USAGE);
    return 2;
  }

  const { config, stop } = await openCliDatabase();
  const database = await openDatabase(config.DATABASE_URL, { poolSize: 2 });
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
      JSON.stringify({ ring: ids, newest: ring.newestId, dataKeysPerKek: await vault.keysPerKek() }),
    );
    return 0;
  } finally {
    await database.destroy();
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
