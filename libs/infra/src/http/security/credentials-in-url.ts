import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Query parameter names clients use for credentials, lowercase. */
const CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set([
  'api_key',
  'apikey',
  'api-key',
  'key',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'auth',
  'authorization',
  'bearer',
  'jwt',
  'password',
  'secret',
  'client_secret',
]);

/**
 * Values that are credentials whatever their parameter is called: API keys (`sk-ops-…`, `sk-proj-…`,
 * `sk-ant-…`: `sk-` starting a word, then 20+ characters, longer than any username) and JWTs.
 */
const CREDENTIAL_VALUE = /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;

/**
 * Refuses a request carrying a credential in its URL. URLs are written to access logs, proxy logs
 * and browser histories, so a key sent there is leaked whatever this server does; refusing it
 * tells the client at once, instead of letting the call work and the key spread.
 */
export function refuseCredentialsInUrl(request: Request, _response: Response, next: NextFunction): void {
  const url = request.originalUrl;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  let found: string | null = CREDENTIAL_VALUE.test(safeDecode(path)) ? 'the credential from the path' : null;
  if (queryAt >= 0 && found === null) {
    for (const [name, value] of new URLSearchParams(url.slice(queryAt + 1))) {
      const known = CREDENTIAL_PARAMETERS.has(name.toLowerCase());
      if (known || CREDENTIAL_VALUE.test(name) || CREDENTIAL_VALUE.test(value)) {
        // Only a name from the list is echoed: any other could be the credential itself.
        found = known ? `the query parameter "${name}"` : 'the credential from the query string';
        break;
      }
    }
  }
  if (found === null) return next();
  next(
    new BadRequestException(
      `Credentials are accepted in the Authorization header only, never in the URL: remove ${found} ` +
        'and consider the credential exposed',
    ),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
