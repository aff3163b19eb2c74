/** The stream that holds every signed digest, one event each. */
export const DIGEST_STREAM = 'audit-digests';
export const DIGEST_EVENT_TYPE = 'StreamHeadsDigestSigned';
