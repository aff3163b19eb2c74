import { localUserStream } from '@ops/domain/local-users/local-user.stream';
import type { AppConfig } from '@ops/infra/config/app-config';
import type { SecretBox } from '@ops/infra/crypto/secret-box';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppliedRevisions } from './applied-revisions';
import { LocalUserConverger } from './converge/local-user-converger';
import { ManagedAccounts } from './converge/managed-accounts';
import { HostAgent } from './host-agent';
import { resolveHostRoot } from './sandbox/host-root';
import { prepareSandboxRoot } from './sandbox/prepare-sandbox-root';
import { readAccounts } from './shadow/read-accounts';
import { ShadowUtils } from './shadow/shadow-utils';
import type { HostCommandSource, HostReportSink } from './transport/host-transport';

/** A root without etc/passwd is a sandbox not made yet; an existing tree is used as it is. */
async function ensureRoot(root: string, config: AppConfig, logger: Logger): Promise<void> {
  if (root === '/' || existsSync(join(root, 'etc', 'passwd'))) return;
  const created = await prepareSandboxRoot(root, { sudoGroup: config.HOST_AGENT_SUDO_GROUP });
  logger.info({ root, created }, 'sandbox root prepared');
}

/**
 * The agent as both setups run it, whatever carries its commands and reports: on the configured root
 * (a sandbox in DATA_DIR unless HOST_AGENT_ROOT says otherwise), opening password hashes with the
 * platform's keys, remembering what it applied in DATA_DIR.
 */
export async function buildHostAgent(options: {
  config: AppConfig;
  source: HostCommandSource;
  sink: HostReportSink;
  box: SecretBox;
  logger: Logger;
}): Promise<{ agent: HostAgent; root: string }> {
  const { config, logger } = options;
  const hostId = config.HOST_ID;
  const root = resolveHostRoot(config);
  await ensureRoot(root, config, logger);
  const state = join(config.DATA_DIR, 'host-agent', hostId);
  const applied = await AppliedRevisions.open(join(state, 'applied.json'));
  // Accounts an earlier agent applied commands to predate this list: they were the platform's.
  const managed = await ManagedAccounts.open(join(state, 'managed.json'), Object.keys(applied.entries()));
  const agent = new HostAgent({
    hostId,
    source: options.source,
    sink: options.sink,
    converger: new LocalUserConverger({
      root,
      runner: new ShadowUtils({ root }),
      openSecret: (secret, owner) => options.box.open(secret, localUserStream(owner.hostId, owner.username)),
      sudoGroup: config.HOST_AGENT_SUDO_GROUP,
      refusedGroups: config.LOCAL_USER_REFUSED_GROUPS,
      managed,
      logger,
    }),
    applied,
    readInventory: () => readAccounts(root),
    inventoryIntervalMs: config.HOST_AGENT_INVENTORY_INTERVAL_MS,
    logger,
  });
  return { agent, root };
}
