import 'reflect-metadata';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@ops/infra/config/app-config';
import { sessionName } from '@ops/infra/database/data-source';
import { EVENT_STORE } from '@ops/infra/event-store/event-store';
import {
  HOST_COMMAND_DISPATCHER,
  type HostCommandDispatcher,
} from '@ops/infra/host-commands/host-command-dispatcher';
import { PlatformModule } from '@ops/infra/platform.module';
import { PROJECTIONS, type Projection } from '@ops/infra/projections/projection';
import type { ProjectionStatus } from '@ops/infra/projections/projector-status';
import { openCliDatabase } from '@ops/infra/runtime/cli-database';
import { CliRefusal, EXIT_FAILED, EXIT_OK, runCli, UsageError } from '@ops/infra/runtime/cli-runner';
import type { RunningNode } from '@ops/infra/runtime/node-discovery';
import { parseArgs } from 'node:util';
import { ProjectorModule } from '../projector.module';
import { HostCommandsRelay } from '../relays/host-commands.relay';
import { PROJECTOR_MANUAL_START, ProjectorService } from '../runtime/projector.service';
import {
  openComparisonDatabase,
  RebuildComparison,
  type ComparisonReport,
} from '../runtime/rebuild-comparison';

const USAGE = `Usage: npm run projector -- <command> [--data-dir <dir>]
  status                 every projection and relay: who runs it (the server, this CLI, another
                         process, or nobody), its position and its lag (lag_ms)
  rebuild <name>         empty one projection and replay it from the first event; the process that
                         runs it (the server) replays it, else this CLI does
  verify <name> | --all  replay into scratch tables, compare them with the live ones; exit 1 when
                         a table differs
  --data-dir <dir>       the server's DATA_DIR (default: DATA_DIR, else ./.data); the database is
                         the one of the node running there, or DATABASE_URL
  -h, --help             this text`;

type Command =
  { command: 'status' } | { command: 'rebuild'; name: string } | { command: 'verify'; name?: string };

function parseCommand(args: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { all: { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  if (command === 'status' && !name && !values.all) return { command };
  if (command === 'rebuild' && name && !values.all) return { command, name };
  if (command === 'verify' && Boolean(name) !== values.all) return { command, name };
  throw new UsageError(
    command === 'status' || command === 'rebuild' || command === 'verify'
      ? `wrong arguments for ${command}`
      : command
        ? `unknown command ${command}`
        : 'a command is required',
  );
}

/**
 * The server's in-process host agent cannot be reached from here: the relay is built (so `status`
 * lists it) but hands nothing over; `rebuild` leaves that relay to the server.
 */
const serverOnlyDispatcher: HostCommandDispatcher = {
  dispatch: () =>
    Promise.reject(new Error("host commands are applied by the server's in-process agent, not by this CLI")),
};

/** This CLI's stand-ins: it starts what it replays itself, and reaches no in-process agent. */
@Global()
@Module({
  providers: [
    { provide: PROJECTOR_MANUAL_START, useValue: true },
    { provide: HOST_COMMAND_DISPATCHER, useValue: serverOnlyDispatcher },
  ],
  exports: [PROJECTOR_MANUAL_START, HOST_COMMAND_DISPATCHER],
})
class ProjectorCliProviders {}

interface Context {
  app: INestApplicationContext;
  projector: ProjectorService;
  config: AppConfig & { DATABASE_URL: string };
  node?: RunningNode;
}

/** Who a lock holder is, from the session name every ops-center process gives its connections. */
function runnerOf(holder: string | undefined, node: RunningNode | undefined): string | null {
  if (holder === undefined) return null;
  if (holder === sessionName()) return `this CLI (pid ${process.pid})`;
  if (node && holder === sessionName(node.pid, node.hostname))
    return `the server (pid ${node.pid}, ${node.url})`;
  return `another process (${holder})`;
}

type StatusLine = Omit<ProjectionStatus, 'state'> & { state: 'running' | 'stopped'; run_by: string | null };

async function status({ projector, node }: Context): Promise<number> {
  const [statuses, holders] = await Promise.all([projector.status(), projector.lockHolders()]);
  const lines = statuses.map(({ name, position, lag_ms, dead_letters }): StatusLine => {
    const runBy = runnerOf(holders.get(name), node);
    return { name, state: runBy ? 'running' : 'stopped', run_by: runBy, position, lag_ms, dead_letters };
  });
  console.log(JSON.stringify(lines, null, 2));
  return EXIT_OK;
}

/** Counts shown while a replay runs: at most one line a second, and only when they moved. */
function progressPrinter(): (line: string) => void {
  let last = 0;
  let lastLine = '';
  return (line) => {
    if (line === lastLine || Date.now() - last < 1_000) return;
    last = Date.now();
    lastLine = line;
    console.log(line);
  };
}

async function rebuild({ app, projector, config, node }: Context, name: string): Promise<number> {
  if (!projector.projectionNames().includes(name)) {
    throw new UsageError(`unknown projection ${name}; known: ${projector.projectionNames().join(', ')}`);
  }
  const runBy = runnerOf((await projector.lockHolders()).get(name), node);
  const projection = app.get<Projection[]>(PROJECTIONS).find((candidate) => candidate.name === name);
  const serverOnly = projection instanceof HostCommandsRelay && config.HOST_COMMAND_TRANSPORT !== 'kafka';
  if (!runBy && serverOnly) {
    throw new CliRefusal(
      `${name} hands commands to the server's in-process host agent: start the server (npm start), then rebuild`,
    );
  }
  const started = Date.now();
  await projector.reset(name);
  // Started either way: it stands by while another process replays, and takes over should that one stop.
  if (!serverOnly) projector.start([name]);
  console.log(
    runBy
      ? `${name}: emptied; ${runBy} replays it from the first event; following its progress`
      : `${name}: emptied; no process runs it, so this CLI replays it from the first event`,
  );
  const print = progressPrinter();
  await projector.waitUntilCaughtUp(name, (processed) => {
    if (processed > 0) print(`${name}: ${processed} events applied`);
  });
  console.log(`${name}: rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return EXIT_OK;
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

async function verify({ app, projector, config }: Context, name?: string): Promise<number> {
  const names = name === undefined ? projector.projectionNames() : [name];
  if (name !== undefined && !projector.projectionNames().includes(name)) {
    throw new UsageError(`unknown projection ${name}; known: ${projector.projectionNames().join(', ')}`);
  }
  const projections = app.get<Projection[]>(PROJECTIONS);
  const db = await openComparisonDatabase(config.DATABASE_URL);
  try {
    let differs = false;
    for (const each of names) {
      const projection = projections.find((candidate) => candidate.name === each);
      if (!projection?.tables?.length) {
        console.log(
          `${each}: declares no tables, not compared (a relay writes none; a projection should list its own)`,
        );
        continue;
      }
      const print = progressPrinter();
      const comparison = new RebuildComparison(app.get(EVENT_STORE), db, {
        batchSize: config.PROJECTOR_BATCH_SIZE,
        onProgress: ({ projection: replayed, eventsReplayed }) =>
          print(`${replayed}: ${eventsReplayed} events replayed`),
      });
      const report = await comparison.verify(projection);
      printReport(report);
      differs ||= !report.equal;
    }
    return differs ? EXIT_FAILED : EXIT_OK;
  } finally {
    await db.destroy();
  }
}

async function projectorCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const command = parseCommand(args);
  const { config, node, stop } = await openCliDatabase(env);
  try {
    @Module({ imports: [PlatformModule.forRoot(config), ProjectorModule, ProjectorCliProviders] })
    class ProjectorCliModule {}

    const app = await NestFactory.createApplicationContext(ProjectorCliModule, { bufferLogs: true });
    try {
      const context: Context = { app, projector: app.get(ProjectorService), config, node };
      if (command.command === 'status') return await status(context);
      if (command.command === 'rebuild') return await rebuild(context, command.name);
      return await verify(context, command.name);
    } finally {
      await app.close();
    }
  } finally {
    await stop();
  }
}

runCli({ name: 'projector', usage: USAGE, run: projectorCommand });
