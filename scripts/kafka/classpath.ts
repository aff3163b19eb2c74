import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const POM = join(__dirname, 'pom.xml');
const CACHE_DIR = join(__dirname, '..', '..', '.cache', 'kafka');
const MAVEN_TIMEOUT_MS = 5 * 60_000;

export interface BrokerClasspath {
  classpath: string;
  /** False when Maven ran (cold: it downloaded the jars into ~/.m2; warm: it only listed them). */
  cached: boolean;
  millis: number;
}

async function cachedClasspath(file: string): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  const classpath = (await readFile(file, 'utf8')).trim();
  // ~/.m2 may have been cleaned since; then Maven has to fetch the jars again.
  return classpath.split(delimiter).every((jar) => existsSync(jar)) ? classpath : undefined;
}

/**
 * The jars of an Apache Kafka broker, resolved from Maven Central through scripts/kafka/pom.xml.
 * Running Maven costs seconds even when every jar is in ~/.m2, so the classpath is kept under
 * .cache/kafka, keyed by the pom's content: changing the version resolves again.
 */
export async function resolveBrokerClasspath(mvn: string): Promise<BrokerClasspath> {
  const started = Date.now();
  const pomHash = createHash('sha256')
    .update(await readFile(POM))
    .digest('hex')
    .slice(0, 16);
  const file = join(CACHE_DIR, `classpath-${pomHash}.txt`);
  const cached = await cachedClasspath(file);
  if (cached) return { classpath: cached, cached: true, millis: Date.now() - started };

  await mkdir(CACHE_DIR, { recursive: true });
  // Written aside and renamed, so a concurrent run never reads half a file.
  const partial = `${file}.${process.pid}.tmp`;
  try {
    await execFileAsync(
      mvn,
      [
        '-q',
        '-B',
        '-f',
        POM,
        'dependency:build-classpath',
        '-Dmdep.includeScope=runtime',
        `-Dmdep.outputFile=${partial}`,
      ],
      { timeout: MAVEN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Maven could not resolve the Kafka broker's jars:\n${stdout}${stderr}`.trim(), {
      cause: error,
    });
  }
  await rename(partial, file);
  const classpath = (await readFile(file, 'utf8')).trim();
  return { classpath, cached: false, millis: Date.now() - started };
}
