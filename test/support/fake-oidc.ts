import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign } from 'jsonwebtoken';

/** Who the fake provider signs in: it has no login form, every authorization is this person's. */
export interface FakeOidcUser {
  sub: string;
  roles: string[];
}

/**
 * An OpenID provider shaped like a Keycloak realm, for the console's sign-in: discovery, JWKS, an
 * authorize endpoint that answers at once with a code, a token endpoint that spends the code only
 * with the PKCE verifier (S256) its challenge was made from, and an end-session endpoint.
 */
export interface FakeOidc {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** The query of every authorization request, in order. */
  readonly authorizations: URLSearchParams[];
  /** The form of every token request, in order. */
  readonly tokenRequests: URLSearchParams[];
  /** The query of every end-session request, in order. */
  readonly endSessions: URLSearchParams[];
  user: FakeOidcUser;
  close(): Promise<void>;
}

interface Grant {
  challenge: string;
  clientId: string;
  redirectUri: string;
  nonce: string | null;
  user: FakeOidcUser;
}

const REALM = '/realms/ops';
const KID = 'fake-realm-key';

export async function startFakeOidc(options: { audience: string; clientId: string }): Promise<FakeOidc> {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${REALM}`;
  const endpoint = (name: string) => `${issuer}/protocol/openid-connect/${name}`;

  const fake: FakeOidc = {
    issuer,
    jwksUrl: endpoint('certs'),
    authorizations: [],
    tokenRequests: [],
    endSessions: [],
    user: { sub: 'kc-user', roles: [] },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const signed = (claims: object, audience: string) =>
    sign(claims, key.privateKey, { algorithm: 'RS256', keyid: KID, issuer, audience, expiresIn: 300 });

  function json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, {
      'Content-Type': 'application/json',
      // The console calls discovery and the token endpoint from the browser, as with Keycloak's Web Origins.
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
    });
    response.end(JSON.stringify(body));
  }

  function redirect(response: ServerResponse, to: URL): void {
    response.writeHead(302, { Location: to.toString() });
    response.end();
  }

  async function form(request: IncomingMessage): Promise<URLSearchParams> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return new URLSearchParams(text);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', issuer);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': '*',
      });
      return void response.end();
    }
    switch (url.pathname) {
      case `${REALM}/.well-known/openid-configuration`:
        return json(response, 200, {
          issuer,
          authorization_endpoint: endpoint('auth'),
          token_endpoint: endpoint('token'),
          jwks_uri: endpoint('certs'),
          end_session_endpoint: endpoint('logout'),
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
        });
      case `${REALM}/protocol/openid-connect/certs`:
        return json(response, 200, { keys: [jwk] });
      case `${REALM}/protocol/openid-connect/auth`:
        return authorize(url.searchParams, response);
      case `${REALM}/protocol/openid-connect/token`:
        return token(await form(request), response);
      case `${REALM}/protocol/openid-connect/logout`: {
        fake.endSessions.push(url.searchParams);
        return redirect(response, new URL(url.searchParams.get('post_logout_redirect_uri') ?? issuer));
      }
      default:
        return json(response, 404, { error: 'not_found' });
    }
  }

  function authorize(query: URLSearchParams, response: ServerResponse): void {
    fake.authorizations.push(query);
    const redirectUri = query.get('redirect_uri');
    if (!redirectUri) return json(response, 400, { error: 'invalid_request' });
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state) back.searchParams.set('state', state);
    const challenge = query.get('code_challenge');
    if (query.get('client_id') !== options.clientId) {
      back.searchParams.set('error', 'unauthorized_client');
    } else if (query.get('response_type') !== 'code') {
      back.searchParams.set('error', 'unsupported_response_type');
    } else if (query.get('code_challenge_method') !== 'S256' || !challenge) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', 'PKCE with S256 is required');
    } else {
      const code = randomBytes(24).toString('base64url');
      grants.set(code, {
        challenge,
        clientId: options.clientId,
        redirectUri,
        nonce: query.get('nonce'),
        user: fake.user,
      });
      back.searchParams.set('code', code);
    }
    back.searchParams.set('iss', issuer);
    redirect(response, back);
  }

  function token(body: URLSearchParams, response: ServerResponse): void {
    fake.tokenRequests.push(body);
    const code = body.get('code') ?? '';
    const grant = grants.get(code);
    // A code works once, whatever the outcome.
    grants.delete(code);
    const refuse = (description: string) =>
      json(response, 400, { error: 'invalid_grant', error_description: description });
    if (body.get('grant_type') !== 'authorization_code' || !grant) return refuse('Code not valid');
    if (body.get('client_id') !== grant.clientId) return refuse('Code was issued to another client');
    if (body.get('redirect_uri') !== grant.redirectUri) return refuse('Incorrect redirect_uri');
    const verifier = body.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return refuse('PKCE verification failed: code_verifier does not match code_challenge');
    }
    const { sub, roles } = grant.user;
    json(response, 200, {
      token_type: 'Bearer',
      expires_in: 300,
      access_token: signed(
        { sub, preferred_username: sub, realm_access: { roles }, azp: grant.clientId },
        options.audience,
      ),
      id_token: signed({ sub, ...(grant.nonce ? { nonce: grant.nonce } : {}) }, grant.clientId),
      scope: 'openid',
    });
  }

  return fake;
}
