import type { InvalidateQueryFilters, QueryClient } from '@tanstack/react-query';
import { authorization, sawPosition } from './api/client';
import type { Schemas } from './api/views';

type Notice = Schemas['LiveNoticeView'];

/** Which queries a notice makes stale. */
function staleKeys(notice: Notice): unknown[][] {
  switch (notice.kind) {
    case 'balance':
      return [
        ['credit-account', notice.user_id],
        ['credit-history', notice.user_id],
      ];
    case 'local-user':
      return [
        ['local-users', notice.host_id],
        ['local-user', notice.host_id, notice.username],
      ];
    case 'host':
      return [['hosts']];
    case 'provider-health':
      return [['provider-health']];
    case 'usage':
      return [['usage'], ['finance-usage'], ['finance-reconciliation']];
    default:
      return [];
  }
}

/**
 * Refetches what `filters` name, reading from now: a fetch already in flight may have read before the
 * change, and React Query hands a query without data its in-flight fetch instead of a new one (a
 * page still loading when the notice came then showed the old state until the next change).
 */
async function refetch(queries: QueryClient, filters: InvalidateQueryFilters = {}): Promise<void> {
  await queries.cancelQueries(filters);
  await queries.invalidateQueries(filters);
}

/** Parses a text/event-stream body into its events (`event:` and `data:` lines, blank-line separated). */
export function* sseEvents(buffer: { text: string }): Generator<{ event: string; data: string }> {
  let end: number;
  while ((end = buffer.text.indexOf('\n\n')) >= 0) {
    const block = buffer.text.slice(0, end);
    buffer.text = buffer.text.slice(end + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    yield { event, data: data.join('\n') };
  }
}

/**
 * Follows /api/v1/console/events and refetches what each notice names, at the notice's position or
 * later. fetch rather than EventSource: EventSource cannot send the Authorization header, and the
 * token must not go in the URL. Reconnects after a pause until `signal` aborts.
 */
export async function followLiveFeed(
  queries: QueryClient,
  signal: AbortSignal,
  onState: (connected: boolean) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/v1/console/events', {
        headers: { ...authorization(), Accept: 'text/event-stream' },
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`live feed answered ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const buffer = { text: '' };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer.text += value.replace(/\r\n/g, '\n');
        for (const { event, data } of sseEvents(buffer)) {
          if (event === 'ready') {
            onState(true);
            // Notices sent before this connection are not replayed: what is on screen may predate them.
            // The refetch waits for the read models to reach where the notices start, or a change
            // just before it could be missing from what it reads, and no notice would follow.
            const { position } = JSON.parse(data) as { position: string | null };
            if (position) sawPosition(position);
            void refetch(queries);
          }
          if (event !== 'notice') continue;
          const notice = JSON.parse(data) as Notice;
          sawPosition(notice.position);
          for (const key of staleKeys(notice)) void refetch(queries, { queryKey: key });
        }
      }
    } catch {
      // Reconnected below; an aborted signal ends the loop.
    }
    onState(false);
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
