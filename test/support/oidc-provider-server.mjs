// A real OpenID Connect provider (`oidc-provider`, the certified implementation) for the SSO
// tests, run as a child process because it is an ES module. It registers one confidential
// client (PKCE required), signs ID tokens with its own RSA key, and logs in whichever account
// the test chose last (`PUT /__test/account`) without a form: its interaction page answers at
// once, granting what the client asked for.
//
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS (comma-separated), and ISSUER_HOST
// (127.0.0.1 unless given: `localhost` puts the provider on another site than a Pharos at
// 127.0.0.1, as in real life). Prints one line of JSON, {"issuer": "http://<host>:<port>"},
// once it listens.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

/** The account the next login signs in: its subject and its claims. */
let account = { sub: 'nobody', claims: {} };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://${process.env.ISSUER_HOST ?? '127.0.0.1'}:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URIS.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'], groups: ['groups'] },
  // Scope claims in the ID token too (as Keycloak's and Authentik's defaults put groups there).
  conformIdTokenClaims: false,
  findAccount: (_ctx, sub) => (sub === account.sub ? { accountId: sub, claims: () => ({ sub, ...account.claims }) } : undefined),
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['oidc-provider-test-cookie-key'] },
});
const providerCallback = provider.callback();

server.on('request', (req, res) => {
  const route = req.url.startsWith('/interaction/') ? interact : req.url === '/__test/account' ? chooseAccount : providerCallback;
  Promise.resolve(route(req, res)).catch((error) => {
    res.statusCode = 500;
    res.end(String(error?.stack ?? error));
  });
});

/** The login and consent prompts, answered at once for the chosen account. */
async function interact(req, res) {
  const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  if (prompt.name === 'login') {
    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

/** `PUT /__test/account` {sub, claims}: whom the next login signs in. */
async function chooseAccount(req, res) {
  let body = '';
  for await (const chunk of req) body += chunk;
  account = JSON.parse(body);
  res.statusCode = 204;
  res.end();
}

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
