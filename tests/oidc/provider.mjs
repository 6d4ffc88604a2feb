// A real OpenID provider for the tests (the certified `oidc-provider` library), shaped like
// ID-porten: code flow with PKCE, `pid` and `acr` in the ID token, RP-initiated logout.
//
// Its sign-in page stands in for ID-porten's: the test (or the browser) types a national
// identity number and picks the level of assurance. Settings come from the environment:
//   OIDC_PORT           port on 127.0.0.1
//   OIDC_ISSUER         issuer (default http://127.0.0.1:<port>)
//   OIDC_REDIRECT_URIS  space-separated redirect URIs of the clients
//   OIDC_LOGOUT_URIS    space-separated post-logout redirect URIs
//   OIDC_JWK            the private signing key as JSON (so two issuers can share one key)
//   OIDC_CLIENT_JWKS    the public keys of the client `hoering-jwt` (JSON key set)
// The clients `hoering` and `annen-tjeneste` use the secret `<id>-secret`; `hoering-jwt`
// authenticates with a signed JWT (private_key_jwt), as ID-porten recommends.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const redirectUris = (process.env.OIDC_REDIRECT_URIS || '').split(' ').filter(Boolean);
const logoutUris = (process.env.OIDC_LOGOUT_URIS || '').split(' ').filter(Boolean);
const jwk = process.env.OIDC_JWK
  ? JSON.parse(process.env.OIDC_JWK)
  : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const LEVELS = ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'];

const common = {
  redirect_uris: redirectUris,
  post_logout_redirect_uris: logoutUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
};
const clients = ['hoering', 'annen-tjeneste'].map((id) => ({
  ...common,
  client_id: id,
  client_secret: `${id}-secret`,
  token_endpoint_auth_method: 'client_secret_basic',
}));
if (process.env.OIDC_CLIENT_JWKS) {
  clients.push({
    ...common,
    client_id: 'hoering-jwt',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: JSON.parse(process.env.OIDC_CLIENT_JWKS),
  });
}

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...jwk, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  acrValues: LEVELS,
  claims: { openid: ['sub'], profile: ['pid'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['test-only-cookie-key'] },
  ttl: { AccessToken: 300, AuthorizationCode: 60, IdToken: 120, Interaction: 600, Session: 600, Grant: 600 },
  // The account is the identity number, as ID-porten's `pid`.
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, pid: sub }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

const page = (uid, error = '') => `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Testinnlogging</title></head>
<body><main>
<h1>Testinnlogging (ID-porten i testene)</h1>
${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
  <label for="pid">Fødselsnummer</label> <input id="pid" name="pid" value="13097248022">
  <label for="acr">Sikkerhetsnivå</label>
  <select id="acr" name="acr">${LEVELS.map((l) => `<option${l === LEVELS[1] ? ' selected' : ''}>${l}</option>`).join('')}</select>
  <button type="submit">Logg inn</button>
</form>
</main></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// The sign-in page is served here; everything else is the provider's own.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const pid = form.get('pid') || '';
  const acr = form.get('acr') || '';
  if (!/^\d{11}$/.test(pid) || !LEVELS.includes(acr)) {
    ctx.type = 'html';
    ctx.status = 400;
    ctx.body = page(details.uid, 'Ugyldig fødselsnummer eller nivå.');
    return undefined;
  }
  const grant = new provider.Grant({ accountId: pid, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId: pid, acr, remember: false }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  ctx.status = 303;
  ctx.redirect(returnTo);
  return undefined;
});

http.createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
