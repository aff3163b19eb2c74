/** Every credit movement of one user lives in one stream; the prefix is the category. */
export const CREDIT_ACCOUNT_CATEGORY = 'credit-account-';

export function creditAccountStream(userId: string): string {
  return `${CREDIT_ACCOUNT_CATEGORY}${userId}`;
}
