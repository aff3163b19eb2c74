/** One stream per account per host; the prefix is the category. */
export const LOCAL_USER_CATEGORY = 'local-user-';

/** Host ids and usernames never contain `/`, so it separates them unambiguously. */
export function localUserStream(hostId: string, username: string): string {
  return `${LOCAL_USER_CATEGORY}${hostId}/${username}`;
}
