import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (panva's oidc-provider, the certified implementation) in the
 * test process, on a loopback port: discovery, JWKS and the token endpoint are the protocol,
 * not a mock of it. Each client stands for one caller and gets the groups given here in its
 * access tokens (client-credentials grant, JWT access tokens for the gateway's audience).
 */
export interface IdpClient {
  id: string;
  groups?: unknown;
  /** Signing algorithm of this client's access tokens. */
  alg?: 'RS256' | 'ES256' | 'PS256';
  /** Access-token lifetime in seconds (default 600). */
  ttl?: number;
  /** The audience asked for; default the provider's audience. */
  audience?: string;
  /** Claims added to this client's tokens (may override `groups`). */
  claims?: Record<string, unknown>;
}

export interface TestIdentityProvider {
  issuer: string;
  audience: string;
  /** An access token for the client, from the provider's token endpoint. */
  token(clientId: string): Promise<string>;
  /** The provider's public keys as served at its jwks_uri. */
  publicJwks(): Promise<{ keys: JsonWebKey[] }>;
  /** Stops answering (for the unreachable-provider tests); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const SECRET = 'test-client-secret-0123456789';

function privateJwk(type: 'rsa' | 'ec', kid: string, alg: string): JsonWebKey {
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

/** A person who signs in at the provider's login page (any password), and their groups. */
export interface IdpOptions {
  audience?: string;
  /** The console's client (public, authorization code with PKCE) and where it sends people back. */
  console?: { clientId: string; redirectUri: string };
  people?: Record<string, unknown>;
}

export async function startIdentityProvider(clients: IdpClient[], options: IdpOptions = {}): Promise<TestIdentityProvider> {
  const audience = options.audience ?? 'https://gateway.test/graphql';
  const people = options.people ?? {};
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  let server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const byId = new Map(clients.map((c) => [c.id, c]));
  const provider = new Provider(issuer, {
    clients: [
      ...clients.map((c) => ({ client_id: c.id, client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
      ...(options.console
        ? [{ client_id: options.console.clientId, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [options.console.redirectUri] }]
        : []),
    ],
    findAccount: (_ctx: unknown, id: string) => (Object.prototype.hasOwnProperty.call(people, id) ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
    jwks: { keys: [privateJwk('rsa', 'rsa-1', 'RS256'), privateJwk('rsa', 'rsa-ps', 'PS256'), privateJwk('ec', 'ec-1', 'ES256')] as never },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: {
      // The provider's own login and consent pages (any password): a real browser-style round trip.
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: { clientId: string }) => {
          const c = byId.get(client.clientId);
          return { scope: 'api', audience: resource, accessTokenTTL: c?.ttl ?? 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: c?.alg ?? 'RS256' } } };
        },
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string; accountId?: string }) => {
      if (token.accountId !== undefined) return people[token.accountId] === undefined ? {} : { groups: people[token.accountId] };
      const c = byId.get(token.clientId ?? '');
      return { ...(c?.groups !== undefined ? { groups: c.groups } : {}), ...c?.claims };
    },
  } as never);
  // oidc-provider's development warnings (in-memory adapter, generated keys) are expected here.
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('identity provider error', err));
  const callback = provider.callback();
  handler = (req, res) => void callback(req, res);

  const listen = () => new Promise<void>((resolve) => {
    server = createServer((req, res) => handler(req, res));
    server.listen(port, '127.0.0.1', resolve);
  });
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return {
    issuer,
    audience,
    async token(clientId) {
      const c = byId.get(clientId);
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${SECRET}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: c?.audience ?? audience }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`the provider refused a token for ${clientId}: ${body.error} ${body.error_description}`);
      return body.access_token;
    },
    async publicJwks() {
      return (await (await fetch(`${issuer}/jwks`)).json()) as { keys: JsonWebKey[] };
    },
    stop,
    start: listen,
    close: stop,
  };
}
