/**
 * The fake OpenAI-compatible upstream, run as its own process so that answering requests never
 * competes with the load generator's event loop. Prints `{"baseUrl": …}` on one line when ready
 * and runs until SIGTERM.
 */
import { startFakeOpenAiProvider } from '../../test/support/fake-providers';

async function main(): Promise<void> {
  const upstream = await startFakeOpenAiProvider({ name: 'upstream', recordRequests: false, apiKey: null });
  process.stdout.write(`${JSON.stringify({ baseUrl: upstream.baseUrl })}\n`);
  process.once('SIGTERM', () => {
    void upstream.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
