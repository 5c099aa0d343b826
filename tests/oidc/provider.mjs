// A real OpenID Connect provider for the tests (panva/oidc-provider, OpenID-certified), on loopback.
//
//   node provider.mjs <config.json>
//
// config.json: {"port", "client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris",
//               "backchannel_logout_uri"?, "accounts_file"}
// accounts_file: [{"sub", "email", "name", "enabled"}], read on every lookup, so a test can disable an
// account while the provider runs: findAccount then returns nothing, and a refresh at the provider fails.
// Prints "ready <issuer>" once it listens. The dev interactions (login form, consent) stand in for a
// company's login page: the login is the account's sub, any password.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

function accounts() {
  return JSON.parse(readFileSync(config.accounts_file, 'utf8'));
}

function findEnabled(id) {
  return accounts().find((a) => a.enabled !== false && a.sub === id);
}

const client = {
  client_id: config.client_id,
  client_secret: config.client_secret,
  redirect_uris: config.redirect_uris,
  post_logout_redirect_uris: config.post_logout_redirect_uris ?? [],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: config.token_endpoint_auth_method ?? 'client_secret_basic',
};
if (config.backchannel_logout_uri) {
  client.backchannel_logout_uri = config.backchannel_logout_uri;
  client.backchannel_logout_session_required = true;
}

const provider = new Provider(issuer, {
  clients: [client],
  cookies: { keys: ['yunguan-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // the claims asked for by scope go into the ID token too (Yunguan links by them)
  conformIdTokenClaims: false,
  // a refresh token for every code exchange (no offline_access needed): Yunguan refreshes at the
  // provider to learn that an account was disabled there
  issueRefreshToken: async (ctx, c) => c.grantTypeAllowed('refresh_token'),
  // the provider guards its outgoing calls (back-channel logout) against special-use addresses; the
  // tests' Yunguan listens on loopback, so this test provider lets them through
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { AccessToken: 60, IdToken: 600, RefreshToken: 86400, Session: 86400, Grant: 86400, Interaction: 600 },
  async findAccount(ctx, id) {
    const account = findEnabled(id);
    if (!account) return undefined;
    return {
      accountId: account.sub,
      async claims() {
        return { sub: account.sub, email: account.email, email_verified: true, name: account.name };
      },
    };
  },
});
provider.proxy = false;
// what went wrong, for the test's log
provider.on('backchannel.error', (ctx, err) => process.stderr.write(`backchannel logout failed: ${err.message}\n`));
provider.on('server_error', (ctx, err) => process.stderr.write(`server error: ${err.stack}\n`));

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
