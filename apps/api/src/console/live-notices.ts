import {
  asRequestCompleted,
  CREDIT_ACCOUNT_CATEGORY,
  HOST_CATEGORY,
  LLM_REQUEST_CATEGORY,
  LOCAL_USER_CATEGORY,
  PROVIDER_HEALTH_CATEGORY,
} from '@ops/domain';
import type { AuthenticatedUser } from '@ops/infra/auth';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import type { LiveNoticeView } from './dto/console-session.dto';

/** The categories whose events the console shows live. */
export const LIVE_CATEGORIES = [
  CREDIT_ACCOUNT_CATEGORY,
  LOCAL_USER_CATEGORY,
  PROVIDER_HEALTH_CATEGORY,
  HOST_CATEGORY,
  LLM_REQUEST_CATEGORY,
];

/** A request's last event on its own stream: from then on the usage read models count it. */
const USAGE_EVENTS = new Set(['RequestCompleted', 'RequestFailed']);

function dataOf(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
}

/** A request's stream is named by its id alone: whose it is only its data says. */
function requesterOf(data: unknown): string | null {
  const userId = dataOf(data).userId;
  return typeof userId === 'string' ? userId : null;
}

/**
 * What changed, without the event's data: a notice names the thing to refetch, and the refetch goes
 * through the API's own authorisation, so the feed never shows more than the API would.
 */
export function liveNotices(
  event: Pick<RecordedEvent, 'streamName' | 'type' | 'position'> & { data?: unknown },
): LiveNoticeView[] {
  const { streamName, type, position } = event;
  const base = { position, event_type: type };
  if (streamName.startsWith(CREDIT_ACCOUNT_CATEGORY)) {
    const userId = streamName.slice(CREDIT_ACCOUNT_CATEGORY.length);
    const balance: LiveNoticeView = { ...base, kind: 'balance', user_id: userId };
    // A debit with its request's record ends the request too.
    return asRequestCompleted({ type, schemaVersion: 0, data: dataOf(event.data) })
      ? [balance, { ...base, kind: 'usage', user_id: userId }]
      : [balance];
  }
  if (streamName.startsWith(LOCAL_USER_CATEGORY)) {
    const [hostId, username] = streamName.slice(LOCAL_USER_CATEGORY.length).split('/');
    if (!hostId || !username) return [];
    return [{ ...base, kind: 'local-user', host_id: hostId, username }];
  }
  if (streamName.startsWith(PROVIDER_HEALTH_CATEGORY)) {
    return [
      { ...base, kind: 'provider-health', provider: streamName.slice(PROVIDER_HEALTH_CATEGORY.length) },
    ];
  }
  // A registration, a key rotation or an inventory: the Hosts page's drift follows it.
  if (streamName.startsWith(HOST_CATEGORY)) {
    return [{ ...base, kind: 'host', host_id: streamName.slice(HOST_CATEGORY.length) }];
  }
  if (streamName.startsWith(LLM_REQUEST_CATEGORY) && USAGE_EVENTS.has(type)) {
    const userId = requesterOf(event.data);
    return userId ? [{ ...base, kind: 'usage', user_id: userId }] : [];
  }
  return [];
}

/**
 * Who may see a notice, mirroring who may read what it names: an account's balance its owner and
 * admins; a user's usage its owner, admins and finance (whose reports sum everyone's); hosts, their
 * accounts and provider health admins. Anything else nobody.
 */
export function noticeVisibleTo(notice: LiveNoticeView, user: AuthenticatedUser): boolean {
  const has = (role: string) => user.roles.some((granted) => granted === role);
  switch (notice.kind) {
    case 'balance':
      return notice.user_id === user.id || has('admin');
    case 'usage':
      return notice.user_id === user.id || has('admin') || has('finance');
    case 'local-user':
    case 'host':
    case 'provider-health':
      return has('admin');
    default:
      return false;
  }
}
