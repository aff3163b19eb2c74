import * as oauth from 'oauth4webapi';
import type { Schemas } from './api/views';

export type OidcConfig = Schemas['ConsoleOidcView'];

/** The sign-in under way (PKCE verifier, state, nonce): this tab only, gone once the code is spent. */
const PENDING = 'ops-console-oidc-pending';
/** What ending the provider's session needs at sign-out. */
const PROVIDER_SESSION = 'ops-console-oidc-session';

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

interface ProviderSession {
  end_session_endpoint: string;
  id_token: string;
  client_id: string;
}

export function redirectUri(): string {
  return `${window.location.origin}/console/sign-in`;
}

/** The server accepts an http issuer (a provider on a private network); the console follows it. */
function transport(issuer: URL) {
  return issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(config: OidcConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, transport(issuer)));
}

/** Sends the browser to the provider: authorization code with PKCE (S256), a state and a nonce. */
export async function startSignIn(config: OidcConfig): Promise<void> {
  const server = await discover(config);
  if (!server.authorization_endpoint) throw new Error('The provider names no authorization endpoint');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid',
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  window.location.assign(url);
}

/** True when the address is the provider's answer (a code or an error) rather than a plain visit. */
export function isCallback(url: URL): boolean {
  return url.searchParams.has('code') || url.searchParams.has('error');
}

/**
 * Checks the provider's answer against the sign-in this tab started, spends the code with the
 * verifier, and checks the ID token's claims (issuer, audience, nonce, times).
 */
export async function finishSignIn(
  config: OidcConfig,
  callback: URL,
): Promise<{ access_token: string; expires_at: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as Pending | null;
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new Error('This sign-in was not started in this tab: start it again.');
  const server = await discover(config);
  const client: oauth.Client = { client_id: config.client_id };
  const issuer = new URL(config.issuer);
  const parameters = oauth.validateAuthResponse(server, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client,
    oauth.None(),
    parameters,
    redirectUri(),
    pending.verifier,
    transport(issuer),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  if (server.end_session_endpoint && tokens.id_token) {
    const session: ProviderSession = {
      end_session_endpoint: server.end_session_endpoint,
      id_token: tokens.id_token,
      client_id: config.client_id,
    };
    sessionStorage.setItem(PROVIDER_SESSION, JSON.stringify(session));
  }
  const lifetime = tokens.expires_in ?? 300;
  return {
    access_token: tokens.access_token,
    expires_at: new Date(Date.now() + lifetime * 1000).toISOString(),
  };
}

/** Where to send the browser to end the provider's session too; null when there is none to end. */
export function providerSignOut(): URL | null {
  const session = JSON.parse(sessionStorage.getItem(PROVIDER_SESSION) ?? 'null') as ProviderSession | null;
  sessionStorage.removeItem(PROVIDER_SESSION);
  if (!session) return null;
  const url = new URL(session.end_session_endpoint);
  url.searchParams.set('id_token_hint', session.id_token);
  url.searchParams.set('client_id', session.client_id);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  return url;
}

/** The provider's own words when it refused, else the error's. */
export function signInProblem(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    return `The identity provider refused the sign-in: ${error.error_description ?? error.error}`;
  }
  return error instanceof Error ? error.message : 'The sign-in failed.';
}
