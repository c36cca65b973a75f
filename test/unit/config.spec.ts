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
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), PSEUDONYM_SECRET: 'q'.repeat(20), UNSUBSCRIBE_SECRET: 'u'.repeat(40), PUBLIC_BASE_URL: 'https://privacy.example.com' });
    expect(prod.graphql.introspection).toBe(false);
  });

  it('refuses a database name that could escape its quotes', () => {
    expect(() => loadConfig({ MYSQL_DATABASE: 'x`; DROP DATABASE y' })).toThrow(/MYSQL_DATABASE/);
  });
});
