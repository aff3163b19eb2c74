import 'reflect-metadata';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type AppConfig } from '@ops/infra/config/app-config';
import { useEmbeddedPostgres } from '@ops/infra/database/embedded-postgres';
import { EVENT_STORE } from '@ops/infra/event-store/event-store';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import { PlatformModule } from '@ops/infra/platform.module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ProjectorModule } from '../projector.module';
import { ProjectorService } from '../runtime/projector.service';
import {
  openComparisonDatabase,
  RebuildComparison,
  type ComparisonReport,
} from '../runtime/rebuild-comparison';

const USAGE = `usage:
  npm run projector -- status              every projection's state, position and lag
  npm run projector -- rebuild <name>      empty one projection and replay it from the first event
  npm run projector -- verify <name>|--all replay into scratch tables, compare them with the live ones;
                                           exit 1 when a table differs`;

/** Counts shown while a replay runs: at most one line a second. */
function progressPrinter(): (line: string) => void {
  let last = 0;
  return (line) => {
    if (Date.now() - last < 1_000) return;
    last = Date.now();
    console.log(line);
  };
}

function printReport(report: ComparisonReport): void {
  console.log(
    `${report.projection}: ${report.equal ? 'reproduced' : 'DIFFERS'} at ${report.position || 'the start'} ` +
      `(${report.eventsReplayed} events replayed)`,
  );
  for (const table of report.tables) {
    const sums = table.equal
      ? `${table.live.rows} rows, checksum ${table.live.checksum}`
      : `live ${table.live.rows} rows ${table.live.checksum}, rebuilt ${table.rebuilt.rows} rows ${table.rebuilt.checksum}`;
    const skipped = table.notCompared.length > 0 ? ` (not compared: ${table.notCompared.join(', ')})` : '';
    console.log(`  ${table.table}: ${table.equal ? 'equal' : 'DIFFERENT'}; ${sums}${skipped}`);
    for (const row of table.differing)
      console.log(`    ${row.key}: ${row.found === 'both' ? 'differs' : row.found}`);
  }
}

async function verify(
  comparisonOf: (onProgress: (line: string) => void) => RebuildComparison,
  projections: Projection[],
  names: string[],
): Promise<number> {
  let differs = false;
  for (const name of names) {
    const projection = projections.find((candidate) => candidate.name === name);
    if (!projection?.tables?.length) {
      console.log(
        `${name}: declares no tables, not compared (a relay writes none; a projection should list its own)`,
      );
      continue;
    }
    const report = await comparisonOf(progressPrinter()).verify(projection);
    printReport(report);
    differs ||= !report.equal;
  }
  return differs ? 1 : 0;
}

async function verifyAll(app: INestApplicationContext, config: AppConfig, names: string[]): Promise<number> {
  const db = await openComparisonDatabase(config.DATABASE_URL!);
  try {
    const comparisonOf = (print: (line: string) => void) =>
      new RebuildComparison(app.get(EVENT_STORE), db, {
        batchSize: config.PROJECTOR_BATCH_SIZE,
        onProgress: ({ projection, eventsReplayed }) =>
          print(`${projection}: ${eventsReplayed} events replayed`),
      });
    return await verify(comparisonOf, app.get(PROJECTIONS), names);
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false } },
  });
  const [command, name] = positionals;
  const valid =
    (command === 'status' && !name && !values.all) ||
    (command === 'rebuild' && Boolean(name) && !values.all) ||
    (command === 'verify' && Boolean(name) !== values.all);
  if (!valid) {
    console.error(USAGE);
    return 2;
  }

  // A CLI's own output is the point; the platform's info lines would drown it.
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const embedded = config.DATABASE_URL
    ? undefined
    : await useEmbeddedPostgres({
        dataDir: join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
      });
  config.DATABASE_URL ??= embedded?.url;

  @Module({ imports: [PlatformModule.forRoot(config), ProjectorModule] })
  class ProjectorCliModule {}

  const app = await NestFactory.createApplicationContext(ProjectorCliModule, { bufferLogs: true });
  try {
    const projector = app.get(ProjectorService);
    if (command === 'status') {
      console.log(JSON.stringify(await projector.status(), null, 2));
      return 0;
    }
    if (command === 'verify' && values.all) {
      return await verifyAll(app, config, projector.projectionNames());
    }
    if (!projector.projectionNames().includes(name)) {
      console.error(`unknown projection ${name}; known: ${projector.projectionNames().join(', ')}`);
      return 2;
    }
    if (command === 'verify') return await verifyAll(app, config, [name]);
    const started = Date.now();
    await projector.reset(name);
    console.log(`${name}: emptied; replaying from the first event`);
    // If another process owns the projection, it sees its checkpoint moved and does the replay; we watch.
    await projector.waitUntilCaughtUp(name, (processed) =>
      console.log(`${name}: ${processed} events applied`),
    );
    console.log(`${name}: rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
