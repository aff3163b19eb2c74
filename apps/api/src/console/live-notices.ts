import {
  CREDIT_ACCOUNT_CATEGORY,
  HOST_CATEGORY,
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
];

/**
 * What changed, without the event's data: a notice names the thing to refetch, and the refetch goes
 * through the API's own authorisation, so the feed never shows more than the API would.
 */
export function liveNotice(
  event: Pick<RecordedEvent, 'streamName' | 'type' | 'position'>,
): LiveNoticeView | null {
  const { streamName, type, position } = event;
  const base = { position, event_type: type };
  if (streamName.startsWith(CREDIT_ACCOUNT_CATEGORY)) {
    return { ...base, kind: 'balance', user_id: streamName.slice(CREDIT_ACCOUNT_CATEGORY.length) };
  }
  if (streamName.startsWith(LOCAL_USER_CATEGORY)) {
    const [hostId, username] = streamName.slice(LOCAL_USER_CATEGORY.length).split('/');
    if (!hostId || !username) return null;
    return { ...base, kind: 'local-user', host_id: hostId, username };
  }
  if (streamName.startsWith(PROVIDER_HEALTH_CATEGORY)) {
    return { ...base, kind: 'provider-health', provider: streamName.slice(PROVIDER_HEALTH_CATEGORY.length) };
  }
  // A registration, a key rotation or an inventory: the Hosts page's drift follows it.
  if (streamName.startsWith(HOST_CATEGORY)) {
    return { ...base, kind: 'host', host_id: streamName.slice(HOST_CATEGORY.length) };
  }
  return null;
}

/**
 * Who may see a notice, mirroring who may read what it names: an account's balance its owner and
 * admins; hosts, their accounts and provider health admins. Anything else nobody.
 */
export function noticeVisibleTo(notice: LiveNoticeView, user: AuthenticatedUser): boolean {
  const has = (role: string) => user.roles.some((granted) => granted === role);
  switch (notice.kind) {
    case 'balance':
      return notice.user_id === user.id || has('admin');
    case 'local-user':
    case 'host':
    case 'provider-health':
      return has('admin');
    default:
      return false;
  }
}
