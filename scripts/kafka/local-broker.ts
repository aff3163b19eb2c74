import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';

const execFileAsync = promisify(execFile);

const HOST = '127.0.0.1';
const FORMAT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const ERROR_LINES = 10;
const TAIL_LINES = 30;
const PARENT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The only mechanism the local broker accepts, as the distributed setup should. */
export const LOCAL_BROKER_SASL_MECHANISM = 'scram-sha-512';

export interface SaslCredentials {
  mechanism: typeof LOCAL_BROKER_SASL_MECHANISM;
  username: string;
  password: string;
}

/** TLS on the client listener (SASL_SSL), with client certificates required: mutual TLS and SCRAM. */
export interface LocalBrokerTls {
  /** PEM: the broker's unencrypted PKCS#8 key, then its certificate (for 127.0.0.1). */
  keystoreFile: string;
  /** PEM: the CA whose certificates clients must present (and that signed the broker's). */
  truststoreFile: string;
  /** What the readiness check presents, as a client does. */
  client: ConnectionOptions;
}

export interface LocalBrokerOptions {
  java: string;
  classpath: string;
  /** Free loopback ports: one for clients, one for the KRaft controller. */
  brokerPort: number;
  controllerPort: number;
  readyTimeoutMs?: number;
  tls?: LocalBrokerTls;
}

export interface LocalBroker {
  /** `127.0.0.1:<port>`, the value for KAFKA_BROKERS. */
  readonly bootstrap: string;
  /** The client user created at format time; its listener accepts nobody else but the broker itself. */
  readonly client: SaslCredentials;
  stop(): Promise<void>;
}

/** Kafka's own generator skips ids starting with '-', which its command line would read as an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Hex only: the value sits inside StorageTool's `[name=…,password=…]` and a JAAS string unquoted. */
function newCredentials(username: string): SaslCredentials {
  return { mechanism: LOCAL_BROKER_SASL_MECHANISM, username, password: randomBytes(24).toString('hex') };
}

/** StorageTool's syntax for a SCRAM user written into the cluster metadata at format time (KIP-900). */
function scramUser(user: SaslCredentials): string {
  return `SCRAM-SHA-512=[name=${user.username},password=${user.password}]`;
}

/**
 * One client listener, SASL_PLAINTEXT (or SASL_SSL with client certificates, given `tls`) with
 * SCRAM-SHA-512 only: a client without the credentials cannot even fetch metadata. The broker talks to itself on it too, as its own user; the KRaft
 * controller listener stays PLAINTEXT on loopback and serves no client requests.
 */
function serverProperties(options: LocalBrokerOptions, dataDir: string, broker: SaslCredentials): string {
  const protocol = options.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  const listener = protocol.toLowerCase();
  const tls: Record<string, string> = options.tls
    ? {
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': options.tls.keystoreFile,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': options.tls.truststoreFile,
        // On a SASL_SSL listener Kafka asks for client certificates only when told per listener.
        [`listener.name.${listener}.ssl.client.auth`]: 'required',
      }
    : {};
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${options.controllerPort}`,
    listeners: `${protocol}://${HOST}:${options.brokerPort},CONTROLLER://${HOST}:${options.controllerPort}`,
    'advertised.listeners': `${protocol}://${HOST}:${options.brokerPort}`,
    'listener.security.protocol.map': `${protocol}:${protocol},CONTROLLER:PLAINTEXT`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': protocol,
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`]: `org.apache.kafka.common.security.scram.ScramLoginModule required username="${broker.username}" password="${broker.password}";`,
    ...tls,
    'log.dirs': dataDir,
    // One node: the internal topics cannot have the default three replicas.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // The first consumer group would otherwise wait for 50 partitions of __consumer_offsets.
    'offsets.topic.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 3,
  };
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
  ].join('\n');
}

/** The broker's first errors (the cause, usually) and its last lines (how far it got). */
async function diagnose(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (file) => {
      const lines = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
      if (lines.length === 0) return '';
      const errors = lines.filter((line) => /\b(ERROR|FATAL)\b|Exception/.test(line)).slice(0, ERROR_LINES);
      const errorPart = errors.length > 0 ? `first errors:\n${errors.join('\n')}\n` : '';
      return `--- ${file}\n${errorPart}last lines:\n${lines.slice(-TAIL_LINES).join('\n')}`;
    }),
  );
  return parts.filter((part) => part.length > 0).join('\n') || '(the broker wrote no log)';
}

async function canListTopics(
  bootstrap: string,
  client: SaslCredentials,
  ssl: ConnectionOptions | undefined,
): Promise<boolean> {
  const admin = new Kafka({
    brokers: [bootstrap],
    clientId: 'ops-test-readiness',
    ...(ssl ? { ssl: { ...ssl } } : {}),
    // A copy: kafkajs caches its authenticator, bound to this password, on the object it is given.
    sasl: { ...client },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitUntilReady(
  bootstrap: string,
  client: SaslCredentials,
  ssl: ConnectionOptions | undefined,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    exit = signal ?? `code ${code}`;
  };
  const onError = (error: Error): void => {
    exit = error.message;
  };
  child.once('exit', onExit);
  child.once('error', onError);
  try {
    for (;;) {
      if (exit) throw new Error(`the broker ended (${exit}) before it was ready`);
      if (await canListTopics(bootstrap, client, ssl)) return;
      if (Date.now() > deadline) throw new Error(`the broker was not ready after ${timeoutMs / 1000} s`);
      await delay(250);
    }
  } finally {
    child.removeListener('exit', onExit);
    child.removeListener('error', onError);
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(escalation);
}

/**
 * Makes sure the broker and its folder do not outlive this process when it ends without stopping
 * them: on exit, and on the signals that end it (raised again once the broker is dead, so the process
 * still ends as it would have). Returns the function that undoes this.
 */
function killWithParent(child: ChildProcess, dir: string): () => void {
  const kill = (): void => {
    child.kill('SIGKILL');
    // Synchronously: an exit handler gets no further turn of the event loop.
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    kill();
    release();
    // Alone, this listener replaced the default of ending the process; others decide for themselves.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const release = (): void => {
    process.removeListener('exit', kill);
    for (const signal of PARENT_SIGNALS) process.removeListener(signal, onSignal);
  };
  process.on('exit', kill);
  for (const signal of PARENT_SIGNALS) process.on(signal, onSignal);
  return release;
}

/**
 * Starts a single-node KRaft broker (broker and controller in one JVM) on loopback, in a fresh
 * temporary folder, with SCRAM users created at format time, and resolves once the client user can
 * list its topics.
 */
export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'ops-kafka-'));
  const propertiesFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j.properties');
  const brokerLog = join(dir, 'broker.log');
  const consoleLog = join(dir, 'console.log');
  const broker = newCredentials('ops-broker');
  const client = newCredentials('ops-client');
  // It holds the broker's own password.
  await writeFile(propertiesFile, serverProperties(options, join(dir, 'data'), broker), { mode: 0o600 });
  await writeFile(log4jFile, log4jProperties(brokerLog));
  const jvm = [
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=${pathToFileURL(log4jFile).href}`,
    '-cp',
    options.classpath,
  ];

  try {
    await execFileAsync(
      options.java,
      [
        ...jvm,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        newClusterId(),
        '-c',
        propertiesFile,
        ...[broker, client].flatMap((user) => ['--add-scram', scramUser(user)]),
      ],
      { timeout: FORMAT_TIMEOUT_MS },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`formatting the broker's storage failed: ${(error as Error).message}`, { cause: error });
  }

  // The JVM's own output (crashes, out-of-memory) goes to a file too, next to the broker's log.
  const output = openSync(consoleLog, 'w');
  const child = spawn(options.java, ['-Xmx512m', ...jvm, 'kafka.Kafka', propertiesFile], {
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  const releaseChild = killWithParent(child, dir);

  const bootstrap = `${HOST}:${options.brokerPort}`;
  const stop = async (): Promise<void> => {
    await terminate(child);
    releaseChild();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(bootstrap, client, options.tls?.client, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    const logs = await diagnose([brokerLog, consoleLog]);
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
  return { bootstrap, client, stop };
}
