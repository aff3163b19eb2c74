import { BadRequestException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { refuseCredentialsInUrl } from './credentials-in-url';

function outcome(originalUrl: string): unknown {
  let passed: unknown = 'not called';
  refuseCredentialsInUrl({ originalUrl } as Request, {} as Response, (error?: unknown) => {
    passed = error;
  });
  return passed;
}

const KEY = `sk-ops-${'x'.repeat(43)}`;

describe('refuseCredentialsInUrl', () => {
  it.each([
    `/v1/models?api_key=${KEY}`,
    '/v1/models?KEY=anything',
    '/v1/models?access_token=abc',
    `/v1/models?q=${KEY}`,
    `/v1/models?${KEY}`,
    `/v1/${encodeURIComponent(KEY)}`,
    '/v1/models?x=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig',
    '/v1/models?x=sk-proj-abcdefghijklmnopqrstuvwxyz',
  ])('refuses %s', (url) => {
    expect(outcome(url)).toBeInstanceOf(BadRequestException);
  });

  it.each([
    '/api/v1/local-users/desk-operator-with-a-long-name?host=desk-12345678901234567890',
    '/api/v1/local-users/bob/ssh-keys/SHA256%3AnThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
    '/api/v1/audit/events?stream=api-keys-alice&limit=20&cursor=MTIzNDU2Nzg5MDEyMzQ1Njc4OTA',
    '/health',
  ])('lets %s through', (url) => {
    expect(outcome(url)).toBeUndefined();
  });
});
