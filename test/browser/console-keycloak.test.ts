import { createHash } from 'node:crypto';
import { browserAvailable, NARROW, screenshot } from '../support/browser';
import { CONSOLE_NODE_TIMEOUT_MS, type ConsoleNode, startConsoleNode } from '../support/console-node';
import { type FakeOidc, startFakeOidc } from '../support/fake-oidc';

const maybe = browserAvailable() ? describe : describe.skip;
const CLIENT_ID = 'ops-console';
const AUDIENCE = 'ops-center';

/**
 * Keycloak mode: the console signs people in with the authorization code flow and PKCE (S256)
 * against a fake OpenID provider, uses the access token for the API, and ends the provider's
 * session at sign-out.
 */
maybe('the console signing in through an OpenID provider', () => {
  let oidc: FakeOidc;
  let node: ConsoleNode;

  beforeAll(async () => {
    oidc = await startFakeOidc({ audience: AUDIENCE, clientId: CLIENT_ID });
    node = await startConsoleNode({
      AUTH_MODE: 'keycloak',
      KEYCLOAK_ISSUER: oidc.issuer,
      KEYCLOAK_JWKS_URL: oidc.jwksUrl,
      KEYCLOAK_AUDIENCE: AUDIENCE,
      KEYCLOAK_CONSOLE_CLIENT_ID: CLIENT_ID,
    });
  }, CONSOLE_NODE_TIMEOUT_MS);

  afterAll(async () => {
    await node?.stop();
    await oidc?.close();
  });

  it('tells the console which provider and client to use, and nothing secret', async () => {
    const config = (await (await fetch(`${node.origin}/api/v1/console/config`)).json()) as unknown;
    expect(config).toEqual({ auth_mode: 'keycloak', oidc: { issuer: oidc.issuer, client_id: CLIENT_ID } });
  });

  it('signs in with code + PKCE (S256), calls the API with the token, and signs out at the provider', async () => {
    oidc.user = { sub: 'kc-auditor', roles: ['auditor', 'offline_access'] };
    const page = await node.open(`${node.origin}/console/`, NARROW);
    const button = page.getByRole('button', { name: 'Sign in with Keycloak' });
    await button.waitFor();
    await node.expectAccessible(page);
    await screenshot(page, 'keycloak-sign-in-390');

    await button.click();
    await page.getByTestId('signed-in-as').getByText('kc-auditor (auditor)').waitFor();
    await page.getByRole('heading', { name: 'Audit' }).waitFor();
    // The API answered with the provider's token: the event table loaded.
    await page.getByRole('table', { name: 'Events' }).or(page.getByTestId('empty')).first().waitFor();
    expect(page.url()).not.toContain('code=');

    const asked = oidc.authorizations.at(-1)!;
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('redirect_uri')).toBe(`${node.origin}/console/sign-in`);
    expect(asked.get('state')).toBeTruthy();
    const spent = oidc.tokenRequests.at(-1)!;
    const verifier = spent.get('code_verifier')!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(asked.get('code_challenge'));
    expect(spent.get('client_secret')).toBeNull();
    expect(node.errors.get(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).waitFor();
    const ended = oidc.endSessions.at(-1);
    expect(ended?.get('id_token_hint')).toMatch(/^eyJ/);
    expect(ended?.get('post_logout_redirect_uri')).toBe(`${node.origin}/console/sign-in`);
    await page.context().close();
  });

  it('is refused when the code is spent with another verifier than the one its challenge came from', async () => {
    oidc.user = { sub: 'kc-admin', roles: ['admin'] };
    const page = await node.open(`${node.origin}/console/`);
    // An attacker holding a stolen code but not the verifier: the provider must refuse it.
    await page.route(`${oidc.issuer}/protocol/openid-connect/token`, async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      form.set('code_verifier', 'x'.repeat(43));
      await route.continue({ postData: form.toString() });
    });
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page
      .getByRole('alert')
      .getByText(/refused the sign-in: PKCE verification failed/)
      .waitFor();
    await expect(page.getByTestId('signed-in-as').count()).resolves.toBe(0);
    await page.context().close();
  });

  it('refuses an answer whose state is not the one this tab sent (a forged callback)', async () => {
    const page = await node.open(`${node.origin}/console/`);
    await page.route(`${oidc.issuer}/protocol/openid-connect/auth?**`, (route) =>
      route.fulfill({
        status: 302,
        headers: { Location: `${node.origin}/console/sign-in?code=planted&state=forged&iss=${oidc.issuer}` },
      }),
    );
    const spent = oidc.tokenRequests.length;
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page.getByRole('alert').getByText(/state/).waitFor();
    // The planted code never reached the provider.
    expect(oidc.tokenRequests.length).toBe(spent);
    await page.context().close();
  });

  it('refuses a callback when no sign-in was started in this tab', async () => {
    const page = await node.open(`${node.origin}/console/sign-in?code=stolen&state=forged`);
    await page
      .getByRole('alert')
      .getByText(/not started in this tab/)
      .waitFor();
    await page.context().close();
  });
});
