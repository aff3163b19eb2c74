import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { DOCS_PATH } from '../openapi';

interface ProtectedEndpoint {
  /** What the endpoint is called in messages and in the `WWW-Authenticate` realm. */
  name: string;
  setting: 'METRICS_TOKEN' | 'DOCS_TOKEN';
  matches(path: string): boolean;
  /** Browsers prompt for Basic credentials, which is how a person reaches the docs page. */
  challenge: string;
}

const METRICS: ProtectedEndpoint = {
  name: 'metrics',
  setting: 'METRICS_TOKEN',
  matches: (path) => path === '/metrics',
  challenge: 'Bearer realm="metrics"',
};

const DOCS: ProtectedEndpoint = {
  name: 'docs',
  setting: 'DOCS_TOKEN',
  matches: (path) =>
    path === `/${DOCS_PATH}` || path.startsWith(`/${DOCS_PATH}/`) || path.startsWith(`/${DOCS_PATH}-`),
  challenge: 'Basic realm="docs", charset="UTF-8"',
};

/**
 * Single node: one process on the operator's machine. Anything else (Kafka between the apps, or
 * Keycloak tokens) is a deployment whose metrics and API map should not be open to whoever reaches it.
 */
export function isSingleNode(config: Pick<AppConfig, 'HOST_COMMAND_TRANSPORT' | 'AUTH_MODE'>): boolean {
  return config.HOST_COMMAND_TRANSPORT === 'in-process' && config.AUTH_MODE === 'local';
}

/**
 * Guards /metrics and the API docs: with a token configured, only a request presenting it gets
 * through (`Authorization: Bearer <token>`, or Basic with the token as password); without one they
 * are open on a single node and switched off (404) elsewhere.
 */
export function protectOperationalEndpoints(
  config: Pick<AppConfig, 'HOST_COMMAND_TRANSPORT' | 'AUTH_MODE' | 'METRICS_TOKEN' | 'DOCS_TOKEN'>,
): (request: Request, response: Response, next: NextFunction) => void {
  const open = isSingleNode(config);
  return (request, response, next) => {
    // Express matches routes ignoring case and a trailing slash: so must this.
    const path = request.path.toLowerCase().replace(/\/+$/, '');
    const endpoint = [METRICS, DOCS].find((candidate) => candidate.matches(path));
    if (!endpoint) return next();
    const token = config[endpoint.setting];
    if (token === undefined) {
      return next(
        open ? undefined : new NotFoundException(`Set ${endpoint.setting} to serve ${endpoint.name}`),
      );
    }
    const presented = presentedSecret(request.headers.authorization);
    if (presented !== null && sameSecret(presented, token)) return next();
    response.setHeader('WWW-Authenticate', endpoint.challenge);
    next(new UnauthorizedException(`The ${endpoint.name} endpoint needs its token (${endpoint.setting})`));
  };
}

/** The bearer token, or the password of Basic credentials. */
function presentedSecret(header: string | undefined): string | null {
  const match = /^(Bearer|Basic) +(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
