import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const ESLINT = join(ROOT, 'node_modules', '.bin', 'eslint');

/** The messages of `npm run lint`'s layering rule for one line of source at `path`. */
async function layeringErrors(path: string, source: string): Promise<string[]> {
  const lint = run(ESLINT, ['--format', 'json', '--stdin', '--stdin-filename', path], { cwd: ROOT });
  lint.child.stdin?.end(source);
  const stdout = await lint.then(
    (done) => done.stdout,
    (failed: { stdout: string }) => failed.stdout,
  );
  const [result] = JSON.parse(stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the layering rule in npm run lint', () => {
  it.each([
    ['the domain importing a framework', 'libs/domain/src/credits/x.ts', "import '@nestjs/common';"],
    [
      'the domain importing infrastructure',
      'libs/domain/src/credits/x.ts',
      "import '@ops/infra/event-store/event-store';",
    ],
    ['the domain doing I/O', 'libs/domain/src/credits/x.ts', "import 'node:fs/promises';"],
    [
      'a library importing an app',
      'libs/infra/src/auth/x.ts',
      "import '../../../../apps/api/src/app.module';",
    ],
    ['infrastructure importing a read model', 'libs/infra/src/auth/x.ts', "import '@ops/read-models';"],
    ['the domain importing a read model', 'libs/domain/src/credits/x.ts', "import '@ops/read-models/hosts';"],
    [
      'a read model importing an app',
      'libs/read-models/src/hosts/x.ts',
      "import '../../../../apps/api/src/app.module';",
    ],
    [
      'one app importing another',
      'apps/host-agent/src/x.ts',
      "import '../../projector/src/projector.module';",
    ],
    [
      'the API importing the projector',
      'apps/api/src/credits/x.ts',
      "import '../../../projector/src/projector.module';",
    ],
  ])('refuses %s', async (_, path, source) => {
    expect(await layeringErrors(path, `${source}\n`)).toHaveLength(1);
  });

  it.each([
    ['the domain importing node:crypto', 'libs/domain/src/credits/x.ts', "import 'node:crypto';"],
    [
      'an app importing the libraries',
      'apps/projector/src/x.ts',
      "import '@ops/infra/event-store/event-store';",
    ],
    [
      'a read model using the domain and infrastructure',
      'libs/read-models/src/hosts/x.ts',
      "import '@ops/domain';\nimport '@ops/infra/projections/projection';",
    ],
    ['an app using a read model', 'apps/api/src/hosts/x.ts', "import '@ops/read-models';"],
    [
      'the single-node composition wiring the apps',
      'apps/api/src/single-node.module.ts',
      "import '../../projector/src/projector.module';",
    ],
  ])('allows %s', async (_, path, source) => {
    expect(await layeringErrors(path, `${source}\n`)).toEqual([]);
  });
});
