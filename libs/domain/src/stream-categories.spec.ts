import { apiKeyStream } from './api-keys/api-key.stream';
import { subjectAccessStream } from './api-keys/subject-access';
import { providerKeysStream } from './byok/provider-key.stream';
import { creditAccountStream } from './credits/credit-account.stream';
import { hostStream } from './hosts/host.stream';
import { llmRequestStream } from './llm-requests/llm-request.stream';
import { localUserStream } from './local-users/local-user.stream';
import { privacyStream } from './privacy/privacy.stream';
import { providerHealthStream } from './provider-health/provider-health.events';
import { STREAM_CATEGORIES, streamCategory } from './stream-categories';

describe('stream categories', () => {
  it.each([
    [hostStream('web-1'), 'host-'],
    [hostStream('local'), 'host-'],
    [localUserStream('web-1', 'carol'), 'local-user-'],
    [llmRequestStream('0b5c1a4e-9f3d-4c1e-8a2b-7d6e5f4a3b2c'), 'llm-request-'],
    [creditAccountStream('bob-smith'), 'credit-account-'],
    [apiKeyStream('alice'), 'api-keys-'],
    [subjectAccessStream('alice'), 'subject-access-'],
    [providerKeysStream('alice'), 'provider-keys-'],
    [providerHealthStream('open-ai'), 'provider-health-'],
    [privacyStream('alice'), 'privacy-'],
  ])('%s is in %s', (stream, category) => {
    expect(streamCategory(stream)).toBe(category);
  });

  it('lists every category once, each ending where its id begins', () => {
    expect(new Set(STREAM_CATEGORIES).size).toBe(STREAM_CATEGORIES.length);
    for (const category of STREAM_CATEGORIES) expect(category).toMatch(/^[a-z][a-z-]*-$/);
  });

  it('names no category for a stream the domain does not name, nor for a bare prefix', () => {
    expect(streamCategory('audit-digests')).toBeUndefined();
    expect(streamCategory('hosts')).toBeUndefined();
    expect(streamCategory('host-')).toBeUndefined();
  });
});
