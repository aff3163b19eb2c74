/**
 * The functions with the most self time in a V8 `.cpuprofile` (as `node --cpu-prof` writes it, e.g.
 * from `GATEWAY_CPU_PROFILE_DIR=… bench/gateway.bench.ts`), as a Markdown table:
 *
 *   npx ts-node --transpile-only bench/support/cpu-profile-summary.ts <file.cpuprofile> [rows]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, short enough for a table: the package, or the path under the project. */
function place(url: string, line: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  const shown = inPackage ? `${inPackage[1]}/${inPackage[2]}` : relative(process.cwd(), path);
  return `${shown}:${line + 1}`;
}

export function summarise(profile: CpuProfile, rows: number): string[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMicros = new Map<string, number>();
  let totalMicros = 0;
  profile.samples.forEach((nodeId, index) => {
    // A sample's time is the gap to the next one: V8 records each sample's delta from the previous.
    const micros = profile.timeDeltas[index + 1] ?? 0;
    const frame = frames.get(nodeId)!;
    const key = `${frame.functionName || '(anonymous)'}\t${place(frame.url, frame.lineNumber)}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
    totalMicros += micros;
  });
  const top = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, rows);
  return [
    `${(totalMicros / 1e6).toFixed(1)} s sampled`,
    '',
    '| self time | share | function | where |',
    '|---|---|---|---|',
    ...top.map(([key, micros]) => {
      const [name, where] = key.split('\t');
      return `| ${(micros / 1000).toFixed(0)} ms | ${((micros / totalMicros) * 100).toFixed(1)}% | \`${name}\` | ${where} |`;
    }),
  ];
}

if (require.main === module) {
  const [file, rows = '10'] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [rows]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(summarise(profile, Number(rows)).join('\n'));
}
