import { loadConfig, ConfigError } from '../../src/config';
import { Role } from '../../src/entities/enums';
import { claimAt, IDP_ACTOR_PREFIX, idpActorId, isClaimPath, MAX_ACTOR_ID_LENGTH, parseRoleMap, rolesFromClaim } from '../../src/schema/identity-provider.rules';

describe('identity provider rules: groups to roles, claims, audit ids', () => {
  describe('parseRoleMap (OIDC_ROLE_MAP)', () => {
    it('is null when unset or blank: claim values that are role names map to themselves', () => {
      expect(parseRoleMap(undefined)).toBeNull();
      expect(parseRoleMap('')).toBeNull();
      expect(parseRoleMap('  ')).toBeNull();
    });
    it('reads one role or a list per group, LDAP DNs with commas and equals signs included', () => {
      const map = parseRoleMap('{"legal-team":"LEGAL","cn=dpo,ou=groups,dc=example":["PRIVACY_OPS","LEGAL"]}')!;
      expect([...map.entries()]).toEqual([
        ['legal-team', [Role.LEGAL]],
        ['cn=dpo,ou=groups,dc=example', [Role.PRIVACY_OPS, Role.LEGAL]],
      ]);
    });
    it('refuses what is not a JSON object of known roles, naming the problem', () => {
      expect(() => parseRoleMap('legal=LEGAL')).toThrow('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
      expect(() => parseRoleMap('["LEGAL"]')).toThrow('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
      expect(() => parseRoleMap('null')).toThrow('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
      expect(() => parseRoleMap('"LEGAL"')).toThrow('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
      expect(() => parseRoleMap('{}')).toThrow('OIDC_ROLE_MAP names no group');
      expect(() => parseRoleMap('{"":"LEGAL"}')).toThrow('OIDC_ROLE_MAP: the group "" must name at least one role');
      expect(() => parseRoleMap('{"g":[]}')).toThrow('OIDC_ROLE_MAP: the group "g" must name at least one role');
      expect(() => parseRoleMap('{"g":"legal"}')).toThrow('OIDC_ROLE_MAP names an unknown role "legal" for "g"; known: APP, LEGAL, MNA, PRIVACY_OPS, ADMIN');
      expect(() => parseRoleMap('{"g":["LEGAL",7]}')).toThrow('OIDC_ROLE_MAP names an unknown role 7 for "g"');
      expect(() => parseRoleMap('{"g":["PUBLIC"]}')).toThrow('unknown role "PUBLIC"');
    });
  });

  describe('rolesFromClaim', () => {
    const map = parseRoleMap('{"legal-team":"LEGAL","ops":["PRIVACY_OPS","LEGAL"],"admins":"ADMIN"}');
    it('grants the roles of the groups the map names, ignores the rest, and orders them as Role declares', () => {
      expect(rolesFromClaim(['admins', 'marketing', 'legal-team'], map)).toEqual([Role.LEGAL, Role.ADMIN]);
      expect(rolesFromClaim(['ops', 'legal-team'], map)).toEqual([Role.LEGAL, Role.PRIVACY_OPS]);
    });
    it('reads a space-separated string as well as an array, and skips empty names', () => {
      expect(rolesFromClaim('marketing  admins', map)).toEqual([Role.ADMIN]);
      expect(rolesFromClaim(' ', map)).toEqual([]);
    });
    it('grants nothing for a missing claim, another type, or non-string members', () => {
      expect(rolesFromClaim(undefined, map)).toEqual([]);
      expect(rolesFromClaim(null, map)).toEqual([]);
      expect(rolesFromClaim(7, map)).toEqual([]);
      expect(rolesFromClaim({ admins: true }, map)).toEqual([]);
      expect(rolesFromClaim([7, ['admins'], { admins: 1 }, 'legal-team'], map)).toEqual([Role.LEGAL]);
    });
    it('with a map, a group spelled like a role grants nothing; without one, role names map to themselves and nothing else', () => {
      expect(rolesFromClaim(['ADMIN'], map)).toEqual([]);
      expect(rolesFromClaim(['ADMIN', 'admins', 'legal'], null)).toEqual([Role.ADMIN]);
      expect(rolesFromClaim('MNA APP', null)).toEqual([Role.APP, Role.MNA]);
    });
    it('does not read inherited names ("constructor" is not a group)', () => {
      expect(rolesFromClaim(['constructor', '__proto__', 'toString'], map)).toEqual([]);
    });
  });

  describe('claimAt and isClaimPath', () => {
    const claims = { sub: 'u1', groups: ['a'], realm_access: { roles: ['r'] }, 'https://example.com/roles': ['ns'], list: [{ x: 1 }], nul: null };
    it('finds top-level, nested and namespaced (dotted-name) claims', () => {
      expect(claimAt(claims, 'sub')).toBe('u1');
      expect(claimAt(claims, 'realm_access.roles')).toEqual(['r']);
      expect(claimAt(claims, 'https://example.com/roles')).toEqual(['ns']);
    });
    it('is undefined for a missing step, a step through null, an array or a primitive, and for inherited names', () => {
      expect(claimAt(claims, 'realm_access.groups')).toBeUndefined();
      expect(claimAt(claims, 'nul.x')).toBeUndefined();
      expect(claimAt(claims, 'list.0')).toBeUndefined();
      expect(claimAt(claims, 'sub.length')).toBeUndefined();
      expect(claimAt(claims, 'toString')).toBeUndefined();
      expect(claimAt(claims, 'realm_access.constructor')).toBeUndefined();
    });
    it('accepts names and dotted paths, not empty steps or other characters', () => {
      for (const ok of ['groups', 'realm_access.roles', 'https://example.com/roles', 'cognito:groups', 'a-b_c$'])
        expect(isClaimPath(ok)).toBe(true);
      for (const bad of ['', '.groups', 'groups.', 'a..b', 'a b', 'a[0]', 'grøups']) expect(isClaimPath(bad)).toBe(false);
    });
  });

  describe('idpActorId', () => {
    it('prefixes the claim with idp:', () => {
      expect(IDP_ACTOR_PREFIX).toBe('idp:');
      expect(idpActorId('248289761001')).toBe('idp:248289761001');
    });
    it('allows exactly 200 characters in all, prefix included', () => {
      expect(MAX_ACTOR_ID_LENGTH).toBe(200);
      expect(idpActorId('x'.repeat(196))).toHaveLength(200);
      expect(idpActorId('x'.repeat(197))).toBeNull();
    });
    it('refuses what cannot be an audit id: not a string, empty, control characters, a lone surrogate', () => {
      for (const bad of [undefined, null, 7, ['a'], '', 'a\u0000b', 'a\u001fb', 'a\u007fb', 'a\ud800b', 'a\udc00'])
        expect(idpActorId(bad)).toBeNull();
      expect(idpActorId('a\u0020b\u0080c')).toBe('idp:a b\u0080c');
      expect(idpActorId('😀')).toBe('idp:😀');
    });
  });

  describe('OIDC_* configuration', () => {
    const problems = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    it('is off without OIDC_ISSUER, and refuses other OIDC_* settings then', () => {
      expect(loadConfig({}).auth.oidc).toBeNull();
      expect(problems({ OIDC_AUDIENCE: 'x', OIDC_ROLE_MAP: '{"a":"LEGAL"}' })).toEqual([
        'OIDC_AUDIENCE is set but OIDC_ISSUER is not: set the provider\'s issuer, or remove OIDC_AUDIENCE',
        'OIDC_ROLE_MAP is set but OIDC_ISSUER is not: set the provider\'s issuer, or remove OIDC_ROLE_MAP',
      ]);
    });
    it('reads the defaults: groups claim, sub as actor, RS256 and ES256, no map', () => {
      expect(loadConfig({ OIDC_ISSUER: 'https://login.example.com/', OIDC_AUDIENCE: 'api://drg' }).auth.oidc).toEqual({
        issuer: 'https://login.example.com/',
        audience: 'api://drg',
        jwksUri: null,
        rolesClaim: 'groups',
        actorClaim: 'sub',
        roleMap: null,
        algorithms: ['RS256', 'ES256'],
        client: null,
      });
    });
    it('needs an audience, absolute http(s) URLs, https in production, known asymmetric algorithms and a valid map', () => {
      expect(problems({ OIDC_ISSUER: 'https://login.example.com' })).toEqual([
        'OIDC_AUDIENCE must be set with OIDC_ISSUER (the audience the provider puts in tokens for this gateway)',
      ]);
      expect(problems({ OIDC_ISSUER: 'login.example.com', OIDC_AUDIENCE: 'a', OIDC_JWKS_URI: 'ftp://x/jwks', OIDC_ALGORITHMS: 'RS256,HS256', OIDC_ROLE_MAP: '{"g":"ROOT"}', OIDC_ROLES_CLAIM: 'a..b' })).toEqual([
        'OIDC_ISSUER must be an absolute URL, got "login.example.com"',
        'OIDC_JWKS_URI must be an http(s) URL',
        'OIDC_ROLES_CLAIM must be a claim name or a dotted path, got "a..b"',
        expect.stringContaining('OIDC_ROLE_MAP names an unknown role "ROOT"'),
        'OIDC_ALGORITHMS may name RS256, ES256, PS256, EdDSA (asymmetric only), got "HS256"',
      ]);
      const prod = problems({ NODE_ENV: 'production', OIDC_ISSUER: 'http://login.example.com', OIDC_AUDIENCE: 'a', OIDC_JWKS_URI: 'http://login.example.com/jwks' });
      expect(prod).toContain('OIDC_ISSUER must use https in production');
      expect(prod).toContain('OIDC_JWKS_URI must use https in production');
    });
    it('reads the console client: id, optional secret, scopes with openid, extra authorization parameters', () => {
      const base = { OIDC_ISSUER: 'https://login.example.com', OIDC_AUDIENCE: 'a' };
      expect(loadConfig({ ...base, OIDC_CLIENT_ID: 'console' }).auth.oidc!.client).toEqual({ id: 'console', secret: null, scopes: 'openid', authorizationParams: {} });
      expect(loadConfig({ ...base, OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', OIDC_SCOPES: 'openid profile', OIDC_AUTHORIZATION_PARAMS: '{"resource":"https://gw/graphql"}' }).auth.oidc!.client).toEqual({
        id: 'c',
        secret: 's',
        scopes: 'openid profile',
        authorizationParams: { resource: 'https://gw/graphql' },
      });
      expect(problems({ ...base, OIDC_CLIENT_SECRET: 's' })).toEqual(['OIDC_CLIENT_SECRET, OIDC_SCOPES and OIDC_AUTHORIZATION_PARAMS need OIDC_CLIENT_ID (the console\'s client at the provider)']);
      expect(problems({ ...base, OIDC_CLIENT_ID: 'c', OIDC_SCOPES: 'profile' })).toEqual(['OIDC_SCOPES must include openid, got "profile"']);
      for (const bad of ['[]', '{"resource":1}', 'x', 'null'])
        expect(problems({ ...base, OIDC_CLIENT_ID: 'c', OIDC_AUTHORIZATION_PARAMS: bad })).toEqual([
          'OIDC_AUTHORIZATION_PARAMS must be a JSON object of strings (extra authorization parameters, e.g. {"resource": "..."} or {"audience": "..."})',
        ]);
    });
    it('needs a role map in production, and an audience that is not the console client (ID tokens)', () => {
      const base = { NODE_ENV: 'production', OIDC_ISSUER: 'https://login.example.com', OIDC_AUDIENCE: 'api://drg' };
      expect(problems(base)).toContain('OIDC_ROLE_MAP must be set in production (which groups grant which roles)');
      expect(problems({ ...base, OIDC_ROLE_MAP: '{"a":"LEGAL"}' })).not.toContain('OIDC_ROLE_MAP must be set in production (which groups grant which roles)');
      const same = 'OIDC_AUDIENCE must differ from OIDC_CLIENT_ID: the API the access tokens are for, not the console client (else ID tokens would pass as access tokens)';
      expect(problems({ OIDC_ISSUER: 'https://l.example', OIDC_AUDIENCE: 'drg', OIDC_CLIENT_ID: 'drg' })).toEqual([same]);
      expect(problems({ OIDC_ISSUER: 'https://l.example', OIDC_AUDIENCE: 'drg-api', OIDC_CLIENT_ID: 'drg' })).toEqual([]);
    });
    it('takes a nested roles claim, another actor claim, PS256 and EdDSA', () => {
      const oidc = loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_AUDIENCE: 'a', OIDC_ROLES_CLAIM: 'realm_access.roles', OIDC_ACTOR_CLAIM: 'email', OIDC_ALGORITHMS: ' PS256 , EdDSA ' }).auth.oidc!;
      expect([oidc.rolesClaim, oidc.actorClaim, oidc.algorithms]).toEqual(['realm_access.roles', 'email', ['PS256', 'EdDSA']]);
    });
  });
});
