import { createHmac } from 'node:crypto';
import { BlockList } from 'node:net';
import fc from 'fast-check';
import {
  ageBand,
  ageInYears,
  coarsenGeo,
  emailDomain,
  generalizeDate,
  generalizeIp,
  isPersonalData,
  pseudonym,
  redact,
  strategies,
  userAgentFamily,
} from '../../src/plugins/anonymization/strategies';

const RUNS = 200;
const KEY = { id: 'k2026', secret: 'a-secret-of-at-least-16' };

describe('strategies table', () => {
  it('says which outputs are still personal data', () => {
    expect(strategies.pseudonym.protection).toBe('PSEUDONYMIZED');
    expect(isPersonalData('pseudonym')).toBe(true);
    for (const name of ['redact', 'generalizeIp', 'coarsenGeo', 'generalizeDate', 'ageBand', 'emailDomain', 'userAgentFamily'] as const) {
      expect(strategies[name].protection).toBe('DE_IDENTIFIED');
      expect(isPersonalData(name)).toBe(false);
    }
  });

  it('names each entry after itself and applies the exported function', () => {
    for (const [name, strategy] of Object.entries(strategies)) expect(strategy.name).toBe(name);
    expect(strategies.generalizeIp.apply('198.51.100.7')).toBe('198.51.100.0/24');
    expect(Object.isFrozen(strategies)).toBe(true);
  });
});

describe('redact', () => {
  it('always gives null', () => {
    expect(redact('alice@example.com')).toBeNull();
    expect(redact(42)).toBeNull();
    expect(redact(undefined)).toBeNull();
  });
});

describe('pseudonym', () => {
  it('is ps_<keyId>_<32 hex> and matches HMAC-SHA-256', () => {
    const expected = createHmac('sha256', KEY.secret).update('alice@example.com').digest('hex').slice(0, 32);
    expect(pseudonym('alice@example.com', KEY)).toBe(`ps_k2026_${expected}`);
    expect(pseudonym('', KEY)).toMatch(/^ps_k2026_[0-9a-f]{32}$/);
  });

  it('refuses short secrets and key ids that would break the format', () => {
    expect(() => pseudonym('x', { id: 'k1', secret: '15-chars-secret' })).toThrow(RangeError);
    expect(() => pseudonym('x', { id: 'k1', secret: '16-chars-secret!' })).not.toThrow();
    expect(() => pseudonym('x', { id: 'k_1', secret: KEY.secret })).toThrow(RangeError);
    expect(() => pseudonym('x', { id: '', secret: KEY.secret })).toThrow(RangeError);
  });

  const keys = fc.record({ id: fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), secret: fc.string({ minLength: 16, maxLength: 40 }) });

  it('is stable for one key (property)', () => {
    fc.assert(
      fc.property(fc.string(), keys, (value, key) => {
        const p = pseudonym(value, key);
        expect(p).toMatch(new RegExp(`^ps_${key.id}_[0-9a-f]{32}$`));
        expect(pseudonym(value, { ...key })).toBe(p);
      }),
      { numRuns: RUNS },
    );
  });

  it('differs across keys and across values (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), keys, keys, (v1, v2, k1, k2) => {
        if (k1.secret !== k2.secret) expect(pseudonym(v1, k1).slice(-32)).not.toBe(pseudonym(v1, k2).slice(-32));
        if (k1.id !== k2.id) expect(pseudonym(v1, k1)).not.toBe(pseudonym(v1, k2));
        if (v1 !== v2) expect(pseudonym(v1, k1)).not.toBe(pseudonym(v2, k1));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('generalizeIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['255.255.255.255', '255.255.255.0/24'],
    [' 10.1.2.3 ', '10.1.2.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:DB8:ABCD:0012:0000:0000:0000:0001', '2001:db8:abcd::/48'],
    ['2001:db8::1', '2001:db8::/48'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::/48'],
    ['::1', '::/48'],
    ['::', '::/48'],
    ['1::', '1::/48'],
    ['1:2:3:4:5:6:7::', '1:2:3::/48'],
    ['::2:3:4:5:6:7:8', '0:2:3::/48'],
    ['0:db8:abcd::1', '0:db8:abcd::/48'],
    ['2001:0:abcd::', '2001:0:abcd::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3::/48'],
    ['64:ff9b::192.0.2.33', '64:ff9b::/48'],
  ])('%s → %s', (ip, network) => {
    expect(generalizeIp(ip)).toBe(network);
  });

  it.each([
    ['::ffff:1.2.3.4', '1.2.3.0/24'],
    ['::FFFF:203.0.113.9', '203.0.113.0/24'],
    ['::ffff:0102:0304', '1.2.3.0/24'],
    ['0:0:0:0:0:ffff:c000:0201', '192.0.2.0/24'],
  ])('IPv4-mapped %s → %s', (ip, network) => {
    expect(generalizeIp(ip)).toBe(network);
  });

  it.each([
    '',
    'not an ip',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '1::2::3',
    ':::',
    ':1:2:3:4:5:6:7:8',
    '12345::',
    'g::',
    '1.2.3.4::',
    '::1.2.3.4:5',
    '::ffff:1.2.3.256',
    '[2001:db8::1]',
  ])('invalid %p → null', (ip) => {
    expect(generalizeIp(ip)).toBeNull();
  });

  const hexGroup = fc.integer({ min: 0, max: 0xffff });

  /** One address in one of its many spellings: padded or not, any case, any zero run as `::`. */
  const ipv6Text = fc
    .record({
      groups: fc.array(fc.oneof(hexGroup, fc.constant(0)), { minLength: 8, maxLength: 8 }),
      pad: fc.boolean(),
      upper: fc.boolean(),
      compress: fc.boolean(),
      embedV4: fc.boolean(),
    })
    .map(({ groups, pad, upper, compress, embedV4 }) => {
      let parts = groups.map((g) => (pad ? g.toString(16).padStart(4, '0') : g.toString(16)));
      if (embedV4) parts = [...parts.slice(0, 6), `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`];
      let text = parts.join(':');
      if (compress) {
        // Replace the first run of zero groups (if any, and not inside the IPv4 tail) by `::`.
        const limit = embedV4 ? 6 : 8;
        const start = groups.findIndex((g, i) => g === 0 && i < limit);
        if (start >= 0) {
          let end = start;
          while (end < limit && groups[end] === 0) end++;
          text = `${parts.slice(0, start).join(':')}::${parts.slice(end).join(':')}`;
        }
      }
      return { groups, text: upper ? text.toUpperCase() : text };
    });

  it('gives an IPv6 network that contains the address (property, checked with node:net)', () => {
    fc.assert(
      fc.property(ipv6Text, ({ groups, text }) => {
        const network = generalizeIp(text);
        expect(network).not.toBeNull();
        const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
        const [address, bits] = (network as string).split('/');
        const list = new BlockList();
        list.addSubnet(address, Number(bits), mapped ? 'ipv4' : 'ipv6');
        expect(bits).toBe(mapped ? '24' : '48');
        expect(list.check(text.toLowerCase(), 'ipv6')).toBe(true);
        // ... and the same network for every spelling of the same /48.
        const full = groups.map((g) => g.toString(16)).join(':');
        expect(generalizeIp(full)).toBe(network);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives an IPv4 /24 that contains the address, also when IPv4-mapped (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (octets) => {
        const ip = octets.join('.');
        const network = generalizeIp(ip) as string;
        const list = new BlockList();
        list.addSubnet(network.split('/')[0], 24, 'ipv4');
        expect(network.endsWith('/24')).toBe(true);
        expect(list.check(ip, 'ipv4')).toBe(true);
        expect(generalizeIp(`::ffff:${ip}`)).toBe(network);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('coarsenGeo', () => {
  const EARTH_KM_PER_DEGREE = 111.32;

  it('snaps to the centre of a ~10 km cell', () => {
    const paris = coarsenGeo(48.8566, 2.3522, 'GRID_10KM');
    // At 48.85° a cell is 360/2369 ≈ 0.152° of longitude wide (~11.1 km): this one spans 2.204-2.356.
    expect(paris).toEqual({ lat: 48.85, lon: 2.28 });
    expect(coarsenGeo(48.8012, 2.21, 'GRID_10KM')).toEqual(paris);
    expect(coarsenGeo(48.8566, 2.36, 'GRID_10KM')).toEqual({ lat: 48.85, lon: 2.43 });
    expect(coarsenGeo(48.9001, 2.3522, 'GRID_10KM')).toEqual({ lat: 48.95, lon: expect.any(Number) });
    expect(coarsenGeo(0.01, 0.01, 'GRID_10KM')).toEqual({ lat: 0.05, lon: 0.05 });
    expect(coarsenGeo(-0.01, -0.01, 'GRID_10KM')).toEqual({ lat: -0.05, lon: -0.05 });
  });

  it('keeps cells ~10 km wide away from the equator (longitude scaled by cos(lat))', () => {
    const a = coarsenGeo(60.01, 10.0, 'GRID_10KM');
    const b = coarsenGeo(60.01, 10.3, 'GRID_10KM');
    // At 60° a 0.1° longitude step is only ~5.6 km: neighbours 0.3° apart are one or two cells apart.
    const stepKm = (Math.abs((b?.lon ?? 0) - (a?.lon ?? 0)) * EARTH_KM_PER_DEGREE * Math.cos((60.05 * Math.PI) / 180));
    expect(stepKm).toBeGreaterThanOrEqual(10);
    expect(stepKm).toBeLessThanOrEqual(23);
  });

  it('wraps at the antimeridian', () => {
    expect(coarsenGeo(10, 180, 'GRID_10KM')).toEqual(coarsenGeo(10, -180, 'GRID_10KM'));
    expect(coarsenGeo(10, 540, 'GRID_10KM')).toEqual(coarsenGeo(10, -180, 'GRID_10KM'));
    const east = coarsenGeo(10, 179.99, 'GRID_10KM');
    const west = coarsenGeo(10, -179.99, 'GRID_10KM');
    expect(east?.lon).toBeLessThan(180);
    expect(east?.lon).toBeGreaterThan(179.9);
    expect(west?.lon).toBeGreaterThan(-180);
    expect(west?.lon).toBeLessThan(-179.9);
  });

  it('handles the poles: the last band, a few wide cells, never beyond ±90', () => {
    expect(coarsenGeo(90, 0, 'GRID_10KM')?.lat).toBe(89.95);
    expect(coarsenGeo(89.99, 0, 'GRID_10KM')?.lat).toBe(89.95);
    expect(coarsenGeo(-90, 123, 'GRID_10KM')?.lat).toBe(-89.95);
    const cellsAtPole = new Set(Array.from({ length: 360 }, (_, i) => coarsenGeo(90, i - 180, 'GRID_10KM')?.lon));
    expect(cellsAtPole.size).toBeGreaterThanOrEqual(1);
    expect(cellsAtPole.size).toBeLessThanOrEqual(4);
  });

  it('gives null for impossible coordinates', () => {
    expect(coarsenGeo(90.01, 0, 'GRID_10KM')).toBeNull();
    expect(coarsenGeo(-91, 0, 'GRID_10KM')).toBeNull();
    expect(coarsenGeo(Number.NaN, 0, 'GRID_10KM')).toBeNull();
    expect(coarsenGeo(0, Number.POSITIVE_INFINITY, 'GRID_10KM')).toBeNull();
  });

  it('REGION returns only the country/region pair', () => {
    const place = { country: 'US', region: 'US-CA', city: 'San Francisco' };
    expect(coarsenGeo(37.77, -122.42, 'REGION', place)).toEqual({ country: 'US', region: 'US-CA' });
    expect(coarsenGeo(0, 0, 'REGION', { country: 'MC', region: null })).toEqual({ country: 'MC', region: null });
  });

  it('stays within half a cell of the point (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), (lat, lon) => {
        const cell = coarsenGeo(lat, lon, 'GRID_10KM');
        expect(cell).not.toBeNull();
        const { lat: cLat, lon: cLon } = cell as { lat: number; lon: number };
        expect(Math.abs(cLat - lat)).toBeLessThanOrEqual(0.05 + 0.005 + 1e-9);
        let dLon = Math.abs(cLon - lon);
        dLon = Math.min(dLon, 360 - dLon);
        // Half a cell east-west is ~5.6 km, plus up to 0.005° from rounding the centre.
        const eastWestKm = dLon * EARTH_KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
        expect(eastWestKm).toBeLessThanOrEqual(5.7 + 0.005 * EARTH_KM_PER_DEGREE);
        // Same cell in, same cell out.
        expect(coarsenGeo(cLat, cLon, 'GRID_10KM')).toEqual(cell);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('generalizeDate', () => {
  it('keeps month or year, in UTC', () => {
    expect(generalizeDate(new Date('2026-03-15T12:00:00Z'), 'MONTH')).toBe('2026-03');
    expect(generalizeDate(new Date('2026-03-15T12:00:00Z'), 'YEAR')).toBe('2026');
    // 23:30 at UTC-2 on 31 March is already April in UTC.
    expect(generalizeDate(new Date('2026-03-31T23:30:00-02:00'), 'MONTH')).toBe('2026-04');
    expect(generalizeDate('2025-12-31T23:59:59.999Z', 'YEAR')).toBe('2025');
    expect(generalizeDate('2024-02-29', 'MONTH')).toBe('2024-02');
  });

  it('gives null for an invalid date', () => {
    expect(generalizeDate('not a date', 'MONTH')).toBeNull();
    expect(generalizeDate(new Date(Number.NaN), 'YEAR')).toBeNull();
  });
});

describe('ageBand', () => {
  const on = new Date('2026-06-15T12:00:00Z');

  it.each([
    ['2014-06-16', 'under-13'],
    ['2013-06-15', '13-17'],
    ['2008-06-16', '13-17'],
    ['2008-06-15', '18-24'],
    ['2001-06-16', '18-24'],
    ['2001-06-15', '25-34'],
    ['1991-06-15', '35-44'],
    ['1981-06-15', '45-54'],
    ['1971-06-15', '55-64'],
    ['1961-06-16', '55-64'],
    ['1961-06-15', '65+'],
    ['1920-01-01', '65+'],
  ])('born %s → %s on 2026-06-15', (birth, band) => {
    expect(ageBand(birth, on)).toBe(band);
  });

  // Issue 21 (tests that pin the rules): birthdays on either side of the day of evaluation, at
  // both ends of the year, so that a rule comparing only years or only months fails.
  it.each([
    // Evaluated in January: a January birthday the day before, on, and after.
    ['2013-01-14', '2026-01-15T12:00:00Z', '13-17'],
    ['2013-01-15', '2026-01-15T12:00:00Z', '13-17'],
    ['2013-01-16', '2026-01-15T12:00:00Z', 'under-13'],
    // A December birthday evaluated in January is still to come this year.
    ['2013-12-31', '2026-01-15T12:00:00Z', 'under-13'],
    ['2012-12-31', '2026-01-15T12:00:00Z', '13-17'],
    // Evaluated on 31 December: a December birthday the day before and on, a January one long past.
    ['2008-12-30', '2026-12-31T12:00:00Z', '18-24'],
    ['2008-12-31', '2026-12-31T12:00:00Z', '18-24'],
    ['2009-01-01', '2026-12-31T12:00:00Z', '13-17'],
    ['2009-01-01', '2027-01-01T00:00:00Z', '18-24'],
    // Same month, day either side.
    ['1961-03-09', '2026-03-10T00:00:00Z', '65+'],
    ['1961-03-11', '2026-03-10T23:59:59Z', '55-64'],
  ])('born %s, evaluated %s → %s', (birth, on, band) => {
    expect(ageBand(birth, new Date(on))).toBe(band);
  });

  it('counts a 29 February birthday from 1 March in common years', () => {
    expect(ageBand('2012-02-29', new Date('2025-02-28T23:59:59Z'))).toBe('under-13');
    expect(ageBand('2012-02-29', new Date('2025-03-01T00:00:00Z'))).toBe('13-17');
    expect(ageBand('2008-02-29', new Date('2026-02-28T12:00:00Z'))).toBe('13-17');
    expect(ageBand('2008-02-29', new Date('2026-03-01T00:00:00Z'))).toBe('18-24');
    // In a leap year the birthday is 29 February itself.
    expect(ageInYears('2000-02-29', new Date('2024-02-28T12:00:00Z'))).toBe(23);
    expect(ageInYears('2000-02-29', new Date('2024-02-29T00:00:00Z'))).toBe(24);
    expect(ageInYears('2000-02-29', new Date('2025-02-28T12:00:00Z'))).toBe(24);
  });

  it('uses UTC for the day of evaluation', () => {
    // 16 June 00:30 at UTC+2 is still 15 June in UTC.
    expect(ageBand('2008-06-16', new Date('2026-06-16T00:30:00+02:00'))).toBe('13-17');
  });

  it('gives null for invalid or future birth dates', () => {
    expect(ageBand('2001-02-29', on)).toBeNull();
    expect(ageBand('2001-13-01', on)).toBeNull();
    expect(ageBand('15/06/2001', on)).toBeNull();
    expect(ageBand('2027-01-01', on)).toBeNull();
    expect(ageBand('2001-01-01', new Date(Number.NaN))).toBeNull();
  });
});

describe('emailDomain', () => {
  it.each([
    ['Alice@Example.COM', 'example.com'],
    ['bob@mail.example.co.uk', 'mail.example.co.uk'],
    ['"a@b"@example.org', 'example.org'],
    ['  carol@example.net. ', 'example.net'],
    ['dora@bücher.de', 'bücher.de'],
  ])('%s → %s', (email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each(['no-at-sign', 'a@', '@example.com', 'a@localhost', 'a@[192.0.2.1]', 'a@bad..com', 'a@-bad.com', 'a@exa mple.com', ''])('%p → null', (email) => {
    expect(emailDomain(email)).toBeNull();
  });
});

describe('userAgentFamily', () => {
  const ua = {
    chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
    edgeLegacy: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582',
    edgeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.50',
    edgeIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.2478.50 Mobile/15E148 Safari/605.1.15',
    operaMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
    operaPresto: 'Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18',
    safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    safariIpad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    chromeIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
    firefoxIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
    firefoxAndroidPhone: 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
    firefoxAndroidTablet: 'Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0',
    chromeAndroidPhone: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    chromeAndroidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    samsungPhone: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
    samsungTablet: 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36',
    cubotPhone: 'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    androidStock: 'Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30',
    chromeOs: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    ie11: 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
    vivaldi: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Vivaldi/6.7.3329.21',
    googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    googlebotSmartphone:
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
    curl: 'curl/8.4.0',
  };

  it.each([
    ['chromeWindows', 'Chrome', 'desktop'],
    ['edgeWindows', 'Edge', 'desktop'],
    ['edgeLegacy', 'Edge', 'desktop'],
    ['edgeAndroid', 'Edge', 'mobile'],
    ['edgeIos', 'Edge', 'mobile'],
    ['operaMac', 'Opera', 'desktop'],
    ['operaPresto', 'Opera', 'desktop'],
    ['safariMac', 'Safari', 'desktop'],
    ['safariIphone', 'Safari', 'mobile'],
    ['safariIpad', 'Safari', 'tablet'],
    ['chromeIos', 'Chrome', 'mobile'],
    ['firefoxLinux', 'Firefox', 'desktop'],
    ['firefoxIos', 'Firefox', 'mobile'],
    ['firefoxAndroidPhone', 'Firefox', 'mobile'],
    ['firefoxAndroidTablet', 'Firefox', 'tablet'],
    ['chromeAndroidPhone', 'Chrome', 'mobile'],
    ['chromeAndroidTablet', 'Chrome', 'tablet'],
    ['samsungPhone', 'Samsung Internet', 'mobile'],
    ['samsungTablet', 'Samsung Internet', 'tablet'],
    ['cubotPhone', 'Chrome', 'mobile'],
    ['androidStock', 'Other', 'mobile'],
    ['chromeOs', 'Chrome', 'desktop'],
    ['ie11', 'Other', 'desktop'],
    ['vivaldi', 'Other', 'desktop'],
    ['googlebot', 'Other', 'bot'],
    ['googlebotSmartphone', 'Other', 'bot'],
    ['bingbot', 'Other', 'bot'],
    ['headless', 'Other', 'bot'],
    ['curl', 'Other', 'bot'],
  ] as const)('%s → %s, %s', (name, browser, deviceType) => {
    expect(userAgentFamily(ua[name])).toEqual({ browser, deviceType });
  });

  it('gives Other/unknown for nothing useful', () => {
    expect(userAgentFamily('')).toEqual({ browser: 'Other', deviceType: 'unknown' });
    expect(userAgentFamily(null)).toEqual({ browser: 'Other', deviceType: 'unknown' });
    expect(userAgentFamily('SomethingElse/1.0')).toEqual({ browser: 'Other', deviceType: 'unknown' });
  });

  it('never throws and always answers from the fixed sets (property)', () => {
    const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Samsung Internet', 'Other'];
    const devices = ['mobile', 'tablet', 'desktop', 'bot', 'unknown'];
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { browser, deviceType } = userAgentFamily(text);
        expect(browsers).toContain(browser);
        expect(devices).toContain(deviceType);
      }),
      { numRuns: RUNS },
    );
  });
});
