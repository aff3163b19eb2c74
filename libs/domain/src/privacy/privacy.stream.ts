/** Privacy decisions about one person (erasure) live in one stream per subject. */
export const PRIVACY_CATEGORY = 'privacy-';

export function privacyStream(subject: string): string {
  return `${PRIVACY_CATEGORY}${subject}`;
}
