import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@ops/infra/config/app-config';
import { useEmbeddedPostgres } from '@ops/infra/database/embedded-postgres';
import { PlatformModule } from '@ops/infra/platform.module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ProjectorModule } from '../projector.module';
import { ProjectorService } from '../runtime/projector.service';

const USAGE = `usage:
  npm run projector -- status              every projection's state, position and lag
  npm run projector -- rebuild <name>      empty one projection and replay it from the first event`;

async function main(): Promise<number> {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  const [command, name] = positionals;
  if (!(command === 'status' && !name) && !(command === 'rebuild' && name)) {
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
    if (!projector.projectionNames().includes(name)) {
      console.error(`unknown projection ${name}; known: ${projector.projectionNames().join(', ')}`);
      return 2;
    }
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
