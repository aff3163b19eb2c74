import type { AppConfig } from '../config/app-config';
import { DOCS_PATH } from '../http/openapi';
import { isSingleNode } from '../http/security/operational-endpoints';
import { ProviderEndpoints } from '../llm-upstream/provider-endpoints';

export interface StartedNode {
  /** Where the HTTP server listens, as a person would open it. */
  url: string;
  /** The embedded cluster's folder, when the node runs one. */
  embeddedPostgresDir?: string;
}

/** `host:port/database` of a connection string, never its user or password. */
function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || 'local socket'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** The hosts of an `esdb://[user:password@]host:port[,host:port]` connection string. */
function esdbHosts(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/?]*@/, '')
    .replace(/[/?].*$/, '');
}

function docsLink(config: AppConfig, url: string): string {
  if (config.DOCS_TOKEN) return `${url}/${DOCS_PATH} (with DOCS_TOKEN)`;
  return isSingleNode(config) ? `${url}/${DOCS_PATH}` : 'off (set DOCS_TOKEN to serve them)';
}

/**
 * What a node runs with, one entry per concern and nothing secret: what an operator checks first
 * when something does not work as expected.
 */
export function startupSummary(config: AppConfig, node: StartedNode): Record<string, string> {
  const endpoints = new ProviderEndpoints(config);
  const providers = endpoints
    .all()
    .filter(({ provider }) => endpoints.usableByPlatform(provider.id))
    .map(({ provider }) => provider.id);
  return {
    listening: node.url,
    database: node.embeddedPostgresDir
      ? `embedded PostgreSQL at ${node.embeddedPostgresDir}, port ${config.EMBEDDED_POSTGRES_PORT}`
      : `external PostgreSQL ${postgresLocation(config.DATABASE_URL ?? '')}`,
    event_store:
      config.EVENT_STORE === 'eventstoredb'
        ? `EventStoreDB ${esdbHosts(config.ESDB_URL ?? '')}`
        : 'PostgreSQL (the same database)',
    llm_providers:
      providers.length > 0 ? providers.join(', ') : 'none (users may still bring their own keys)',
    stripe: config.STRIPE_SECRET_KEY
      ? `on${config.STRIPE_WEBHOOK_SECRET ? '' : ' (no STRIPE_WEBHOOK_SECRET: the webhook answers 503)'}`
      : 'off',
    lago: config.LAGO_API_URL ? `on (${new URL(config.LAGO_API_URL).host})` : 'off',
    kafka: config.KAFKA_BROKERS ?? 'off',
    api_docs: docsLink(config, node.url),
    data_dir: config.DATA_DIR,
  };
}

/** The summary as one line a person reads: `listening: http://…; database: …; …`. */
export function summaryLine(summary: Record<string, string>): string {
  return Object.entries(summary)
    .map(([name, value]) => `${name.replace(/_/g, ' ')}: ${value}`)
    .join('; ');
}
