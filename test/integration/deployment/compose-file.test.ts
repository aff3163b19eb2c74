import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const COMPOSE = readFileSync(join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8');

/** `service -> published port specs`, read from the file's two-space layout (no YAML dependency). */
function publishedPorts(): Map<string, string[]> {
  const ports = new Map<string, string[]>();
  let section = '';
  let service = '';
  let inPorts = false;
  for (const line of COMPOSE.split('\n')) {
    if (/^\S/.test(line)) section = line.replace(/:.*$/, '');
    const serviceName = /^ {2}([a-z][\w-]*):\s*$/.exec(line);
    if (section === 'services' && serviceName) [service, inPorts] = [serviceName[1], false];
    else if (/^ {4}\S/.test(line)) inPorts = /^ {4}ports:/.test(line);
    else if (inPorts && /^ {6}- /.test(line)) {
      ports.set(service, [...(ports.get(service) ?? []), line.trim().slice(2).replace(/['"]/g, '')]);
    }
  }
  return ports;
}

/** Issue 10: the compose file published Kafka, EventStoreDB and Postgres on every interface, with sample secrets. */
describe('docker-compose.yml', () => {
  it('publishes nothing but the API beyond 127.0.0.1', () => {
    const ports = publishedPorts();
    expect([...ports.keys()].sort()).toStrictEqual(['api', 'eventstore', 'kafka', 'postgres']);
    for (const [service, specs] of ports) {
      if (service === 'api') continue;
      for (const spec of specs) expect(`${service} ${spec}`).toMatch(/^\S+ 127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('gives the host agent Kafka settings only: no database, event store or key ring', () => {
    const block = (start: RegExp) => {
      const lines = COMPOSE.split('\n');
      const first = lines.findIndex((line) => start.test(line));
      const rest = lines.slice(first + 1);
      const end = rest.findIndex((line) => /^\S|^ {2}[a-z][\w-]*:\s*$/.test(line));
      return rest.slice(0, end < 0 ? undefined : end).join('\n');
    };
    const agent = block(/^ {2}host-agent:\s*$/);
    const kafkaEnv = block(/^x-kafka-env:/);
    expect(agent).toContain('<<: *kafka-env');
    expect(agent).not.toContain('*app-env');
    for (const secret of ['DATABASE_URL', 'ESDB_URL', 'SECRETS_KEYS', 'KEK_KEYS', 'AUDIT_SIGNING_KEY']) {
      expect(`${secret}: ${agent.includes(secret) || kafkaEnv.includes(secret)}`).toBe(`${secret}: false`);
    }
  });

  it('demands every secret instead of defaulting it', () => {
    for (const name of [
      'SECRETS_KEYS',
      'KEK_KEYS',
      'AUDIT_SIGNING_KEY',
      'POSTGRES_PASSWORD',
      'KAFKA_APP_PASSWORD',
      'KAFKA_BROKER_PASSWORD',
    ]) {
      expect(COMPOSE).toContain(`\${${name}:?`);
      expect(COMPOSE).not.toContain(`\${${name}:-`);
    }
    expect(COMPOSE).not.toMatch(/AAAAAAAAAAAAAAAA/);
    expect(COMPOSE).not.toMatch(/POSTGRES_PASSWORD: ops\b|postgres:\/\/ops:ops@/);
  });

  it('has the applications authenticate to Kafka with SCRAM-SHA-512 on SASL-only listeners', () => {
    expect(COMPOSE).toContain('KAFKA_SASL_MECHANISM: scram-sha-512');
    const listeners = /KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: (\S+)/.exec(COMPOSE)?.[1] ?? '';
    const clientListeners = listeners.split(',').filter((entry) => !entry.startsWith('CONTROLLER:'));
    expect(clientListeners.length).toBeGreaterThan(0);
    for (const entry of clientListeners) expect(entry).toMatch(/:SASL_(PLAINTEXT|SSL)$/);
  });
});
