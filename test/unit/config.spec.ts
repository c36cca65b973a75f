import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('defaults to the local services', () => {
    const c = loadConfig({});
    expect(c.mysql).toMatchObject({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'data_rights_gateway', flavor: 'mariadb' });
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(c.http.port).toBe(4000);
    expect(c.graphql.introspection).toBe(true);
  });

  it('reads and checks every value, reporting all problems at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', MYSQL_PORT: '0', MYSQL_FLAVOR: 'postgres', GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', MYSQL_PORT: '0', MYSQL_FLAVOR: 'postgres' });
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(3);
      expect((err as ConfigError).message).toContain('PORT must be an integer');
    }
  });

  it('refuses the development secret and short secrets in production, and turns introspection off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set in production/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) })).toThrow(/PSEUDONYM_SECRET must be set in production/);
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' });
    expect(prod.graphql.introspection).toBe(false);
  });

  it('refuses a database name that could escape its quotes', () => {
    expect(() => loadConfig({ MYSQL_DATABASE: 'x`; DROP DATABASE y' })).toThrow(/MYSQL_DATABASE/);
  });
});

describe('operations configuration (logs, /metrics, shutdown)', () => {
  it('defaults: info logs, /metrics for loopback without a token, no worker metrics port, 25 s shutdown', () => {
    const c = loadConfig({});
    expect(c.log.level).toBe('info');
    expect(c.metrics).toEqual({ token: null, allow: ['loopback'], workerPort: null });
    expect(c.shutdown.timeoutMs).toBe(25_000);
  });

  it('reads LOG_LEVEL, METRICS_TOKEN, METRICS_ALLOW, METRICS_PORT and SHUTDOWN_TIMEOUT_MS', () => {
    const c = loadConfig({ LOG_LEVEL: 'silent', METRICS_TOKEN: 't'.repeat(20), METRICS_ALLOW: '10.0.0.0/8, ::1,loopback', METRICS_PORT: '9464', SHUTDOWN_TIMEOUT_MS: '5000' });
    expect(c.log.level).toBe('silent');
    expect(c.metrics).toEqual({ token: 't'.repeat(20), allow: ['10.0.0.0/8', '::1', 'loopback'], workerPort: 9464 });
    expect(c.shutdown.timeoutMs).toBe(5000);
    // A token alone opens /metrics to any address that presents it.
    expect(loadConfig({ METRICS_TOKEN: 't'.repeat(20) }).metrics.allow).toEqual(['*']);
  });

  it('refuses bad values, all at once', () => {
    try {
      loadConfig({ LOG_LEVEL: 'loud', METRICS_TOKEN: 'short', METRICS_ALLOW: 'example.com,10.0.0.0/40', METRICS_PORT: 'x', SHUTDOWN_TIMEOUT_MS: '0' });
      throw new Error('accepted');
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual([
        expect.stringContaining('METRICS_TOKEN must be at least 16 characters'),
        expect.stringContaining('METRICS_ALLOW entries must be IP addresses, IPv4 CIDRs'),
        expect.stringContaining('METRICS_ALLOW entries must be IP addresses, IPv4 CIDRs'),
        expect.stringContaining('METRICS_PORT must be an integer'),
        expect.stringContaining('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'),
        expect.stringContaining('SHUTDOWN_TIMEOUT_MS must be an integer'),
      ]);
    }
  });

  it('requires an INTEGRITY_KEY of its own in production, of at least 32 characters (docs/legal.md, point 10)', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' };
    expect(() => loadConfig(prod)).toThrow(/INTEGRITY_KEY must be set in production/);
    expect(() => loadConfig({ ...prod, INTEGRITY_KEY: 'i'.repeat(31) })).toThrow(/INTEGRITY_KEY must be at least 32 characters/);
    expect(loadConfig({ ...prod, INTEGRITY_KEY: 'i'.repeat(32) }).integrity.key).toBe('i'.repeat(32));
  });

  it('requires an ACCESS_PACKAGE_KEY of its own in production, of at least 32 characters: it unlocks every access package', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' };
    expect(() => loadConfig(prod)).toThrow(/ACCESS_PACKAGE_KEY must be set in production/);
    expect(() => loadConfig({ ...prod, ACCESS_PACKAGE_KEY: 'a'.repeat(31) })).toThrow(/ACCESS_PACKAGE_KEY must be at least 32 characters/);
    expect(loadConfig({ ...prod, ACCESS_PACKAGE_KEY: 'a'.repeat(32) }).access.packageKey).toBe('a'.repeat(32));
    expect(loadConfig({}).access).toMatchObject({ dir: 'var/access-packages', linkTtlHours: 168, retentionDays: 30, pageRows: 2000 });
  });

  it('requires an EXPORT_KEY of its own in production, of at least 32 characters: it opens every running export\'s data key (issue 23)', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' };
    expect(() => loadConfig(prod)).toThrow(/EXPORT_KEY must be set in production/);
    expect(() => loadConfig({ ...prod, EXPORT_KEY: 'e'.repeat(31) })).toThrow(/EXPORT_KEY must be at least 32 characters/);
    expect(loadConfig({ ...prod, EXPORT_KEY: 'e'.repeat(32) }).plugins.businessTransfer.dataKeySecret).toBe('e'.repeat(32));
    expect(() => loadConfig({ EXPORT_KEY: 'short' })).toThrow(/EXPORT_KEY must be at least 32 characters/);
  });

  it("refuses /metrics open to every address without a token in production", () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' };
    expect(() => loadConfig({ ...prod, METRICS_ALLOW: '*' })).toThrow(/METRICS_ALLOW='\*' needs METRICS_TOKEN in production/);
    expect(loadConfig({ ...prod, METRICS_ALLOW: '*', METRICS_TOKEN: 'm'.repeat(20) }).metrics.allow).toEqual(['*']);
    expect(loadConfig(prod).metrics.allow).toEqual(['loopback']);
  });
});
