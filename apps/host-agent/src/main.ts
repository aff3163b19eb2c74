import { ConfigError, loadConfig } from '@ops/infra/config/app-config';

/**
 * The host agent's entry point. It applies local-user commands with shadow-utils once that
 * capability lands (issue 3); until then it validates its configuration and exits, so that a
 * deployment never mistakes it for a working agent.
 */
try {
  loadConfig();
  console.error(
    'ops-center host agent: no host commands are implemented yet (local user management, issue 3)',
  );
  process.exit(1);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
