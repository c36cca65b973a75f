import { createHmac } from 'node:crypto';

/**
 * Pure masking strategies. Each one says what its output still is in law (LEGAL.md,
 * Anonymization): PSEUDONYMIZED output can be linked back with a kept key and stays personal
 * data (GDPR Recital 26); DE_IDENTIFIED output cannot reasonably be linked to a person on its own
 * (CCPA 1798.140(m)). De-identified columns can still combine into a quasi-identifier, which is
 * what k-anonymity.ts is for.
 */
export type Protection = 'PSEUDONYMIZED' | 'DE_IDENTIFIED';

// `never[]` parameters so that every concrete signature (overloads included) fits.
export type MaskFunction = (...args: never[]) => unknown;

export interface MaskingStrategy<F extends MaskFunction = MaskFunction> {
  readonly name: string;
  readonly protection: Protection;
  readonly apply: F;
}

// ---------------------------------------------------------------------------------------------
// redact

export function redact(_value: unknown): null {
  return null;
}

// ---------------------------------------------------------------------------------------------
// pseudonym

export interface PseudonymKey {
  /** Shown in the output so that pseudonyms made under different keys never get mixed up. */
  id: string;
  secret: string;
}

export const MIN_SECRET_LENGTH = 16;
// The id is embedded between underscores, so it must not contain one.
const KEY_ID = /^[A-Za-z0-9-]{1,64}$/;

/** `ps_<keyId>_<32 hex>`: the first 128 bits of HMAC-SHA-256(secret, value). */
export function pseudonym(value: string, key: PseudonymKey): string {
  if (!KEY_ID.test(key.id)) throw new RangeError('pseudonym key id must be 1-64 letters, digits or dashes');
  if (key.secret.length < MIN_SECRET_LENGTH) {
    // A short secret can be brute-forced, and then every pseudonym is reversible by dictionary.
    throw new RangeError(`pseudonym secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const mac = createHmac('sha256', key.secret).update(value, 'utf8').digest('hex');
  return `ps_${key.id}_${mac.slice(0, 32)}`;
}

// ---------------------------------------------------------------------------------------------
// IP addresses

export type ParsedIp = { version: 4; octets: number[] } | { version: 6; groups: number[] };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): number[] | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const octets: number[] = [];
  for (const part of m.slice(1)) {
    // Leading zeros are read as octal by some parsers (inet_aton): refuse the ambiguity.
    if (part.length > 1 && part.startsWith('0')) return null;
    const n = Number(part);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(input: string): number[] | null {
  // A zone id (fe80::1%eth0) names a local interface, not part of the address.
  const text = input.includes('%') ? input.slice(0, input.indexOf('%')) : input;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  if (halves.length === 1) {
    const groups = parseGroups(text);
    return groups && groups.length === 8 ? groups : null;
  }
  const head = parseGroups(halves[0]);
  const tail = parseGroups(halves[1]);
  // An embedded IPv4 part may only end the address.
  if (!head || !tail || halves[0].includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (::ffff:a.b.c.d) comes back as IPv4. */
export function parseIp(input: string): ParsedIp | null {
  const text = input.trim();
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, octets: v4 };
  if (!text.includes(':')) return null;
  const groups = parseIpv6(text);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    // The same host as its IPv4 address: it must land in the same /24, not in ::ffff:0:0/48.
    return { version: 4, octets: [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff] };
  }
  return { version: 6, groups };
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** IPv4 → its /24, IPv6 → its /48 (the usual size of one site's assignment); invalid → null. */
export function generalizeIp(ip: string): string | null {
  const parsed = parseIp(ip);
  if (!parsed) return null;
  if (parsed.version === 4) {
    const [a, b, c] = parsed.octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const network = [...parsed.groups.slice(0, 3), 0, 0, 0, 0, 0];
  return `${formatIpv6(network)}/48`;
}

// ---------------------------------------------------------------------------------------------
// Geolocation

export interface GridCell {
  lat: number;
  lon: number;
}

export interface RegionPlace {
  country: string;
  region: string | null;
}

export type GeoMode = 'GRID_10KM' | 'REGION';

const CELLS_PER_DEGREE = 10; // 0.1° of latitude ≈ 11.1 km

function round2(n: number): number {
  const r = Math.round(n * 100) / 100;
  return r === 0 ? 0 : r; // no -0 in output
}

function gridCell(lat: number, lon: number): GridCell | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat < -90 || lat > 90) return null;
  const bands = 180 * CELLS_PER_DEGREE;
  // lat = 90 belongs to the last band, not to a band beyond the pole.
  const band = Math.min(Math.floor((lat + 90) * CELLS_PER_DEGREE), bands - 1);
  const centreLat = -90 + (band + 0.5) / CELLS_PER_DEGREE;
  // Width scaled by cos(latitude of the band's centre), so one band has one width and cells stay
  // ~10 km wide; a whole number of cells per band keeps a seam exactly at the antimeridian.
  const cellsInBand = Math.max(1, Math.round(360 * CELLS_PER_DEGREE * Math.cos((centreLat * Math.PI) / 180)));
  const width = 360 / cellsInBand;
  const normalized = ((((lon + 180) % 360) + 360) % 360) - 180; // [-180, 180)
  const cell = Math.min(Math.floor((normalized + 180) / width), cellsInBand - 1);
  return { lat: round2(centreLat), lon: round2(-180 + (cell + 0.5) * width) };
}

/**
 * GRID_10KM: the centre of the ~10 km grid cell holding the point (null for impossible
 * coordinates). REGION: only the given country/region pair, whatever the coordinates.
 */
export function coarsenGeo(lat: number, lon: number, mode: 'GRID_10KM'): GridCell | null;
export function coarsenGeo(lat: number, lon: number, mode: 'REGION', place: RegionPlace): RegionPlace;
export function coarsenGeo(lat: number, lon: number, mode: GeoMode, place?: RegionPlace): GridCell | RegionPlace | null {
  if (mode === 'REGION') {
    if (!place) throw new TypeError('coarsenGeo REGION needs the country/region pair');
    // Copy just the two fields so that nothing finer (city, postcode) rides along.
    return { country: place.country, region: place.region ?? null };
  }
  return gridCell(lat, lon);
}

// ---------------------------------------------------------------------------------------------
// Dates and ages

export type DatePrecision = 'MONTH' | 'YEAR';

function toDate(value: Date | string): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-03" (MONTH) or "2026" (YEAR), in UTC; null for an invalid date. */
export function generalizeDate(value: Date | string, precision: DatePrecision): string | null {
  const date = toDate(value);
  if (!date) return null;
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  if (precision === 'YEAR') return year;
  return `${year}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const AGE_BANDS = ['under-13', '13-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Age in whole years on `on` (UTC); a 29 February birthday counts from 1 March in other years. */
export function ageInYears(birthDate: string, on: Date): number | null {
  const m = ISO_DAY.exec(birthDate);
  if (!m || Number.isNaN(on.getTime())) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2001-02-29 over to 1 March; a date that does not exist is refused.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  const [y, mo, d] = [on.getUTCFullYear(), on.getUTCMonth() + 1, on.getUTCDate()];
  const age = y - year - (mo < month || (mo === month && d < day) ? 1 : 0);
  return age < 0 ? null : age;
}

/** Age band on `on`; null for an invalid or future birth date. */
export function ageBand(birthDate: string, on: Date): AgeBand | null {
  const age = ageInYears(birthDate, on);
  if (age === null) return null;
  if (age < 13) return 'under-13';
  if (age < 18) return '13-17';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

// ---------------------------------------------------------------------------------------------
// Email

const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * The lowercased domain, or null when there is none. Address literals (user@[192.0.2.1]) give
 * null: an IP is not a domain and may identify. A vanity domain can still identify its owner;
 * k-anonymize the column when that matters.
 */
export function emailDomain(email: string): string | null {
  const text = email.trim();
  // The last @, since a quoted local part may hold one.
  const at = text.lastIndexOf('@');
  if (at < 1) return null;
  const domain = text.slice(at + 1).toLowerCase().replace(/\.$/, '');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  return domain;
}

// ---------------------------------------------------------------------------------------------
// User agent

/** Every value userAgentFamily gives: a differentially private report lists each of them (usage-report.service.ts). */
export const BROWSER_FAMILIES = ['Chrome', 'Edge', 'Firefox', 'Opera', 'Other', 'Safari', 'Samsung Internet'] as const;
export const DEVICE_TYPES = ['bot', 'desktop', 'mobile', 'tablet', 'unknown'] as const;
export type BrowserFamily = (typeof BROWSER_FAMILIES)[number];
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface UserAgentFamily {
  browser: BrowserFamily;
  deviceType: DeviceType;
}

// (?<!cu): CUBOT is a phone maker, not a crawler.
const BOT = /(?<!cu)bot\b|crawler|crawling|spider|slurp|facebookexternalhit|mediapartners|headlesschrome|phantomjs|lighthouse|^curl\/|^wget\/|python-requests|python-urllib|go-http-client|^java\//i;

// Order matters: each later browser's token also appears in the UAs of the earlier ones.
const BROWSERS: ReadonlyArray<[RegExp, BrowserFamily]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'], // Edge carries "Chrome/" and "Safari/"
  [/\bOPR\/|\bOPiOS\/|\bOPT\/|\bOpera\b/, 'Opera'], // Opera carries "Chrome/"
  [/\bSamsungBrowser\//, 'Samsung Internet'], // carries "Chrome/"
  // Other Chromium-based browsers name themselves and should not be counted as Chrome.
  [/\b(?:YaBrowser|Vivaldi|UCBrowser|MiuiBrowser|HuaweiBrowser|Silk)\//, 'Other'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'], // Firefox on iOS carries "Safari/"
  [/\bChrome\/|\bCriOS\//, 'Chrome'], // Chrome carries "Safari/"
];

function browserFamily(ua: string): BrowserFamily {
  for (const [pattern, family] of BROWSERS) if (pattern.test(ua)) return family;
  // Real Safari says "Version/…Safari/"; Android's old stock browser says the same, so skip it.
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(ua) && !/Android/.test(ua)) return 'Safari';
  return 'Other';
}

function deviceType(ua: string): DeviceType {
  if (/\biPad\b/.test(ua)) return 'tablet';
  // Android phones say "Mobile"; Android tablets (and Firefox's "Tablet" token) do not.
  if (/\bAndroid\b/.test(ua)) return /\bMobile\b/.test(ua) && !/\bTablet\b/.test(ua) ? 'mobile' : 'tablet';
  if (/\b(?:Tablet|Kindle|Silk|PlayBook)\b/.test(ua)) return 'tablet';
  if (/\b(?:Mobi|Mobile|iPhone|iPod|Windows Phone|IEMobile|Opera Mini|BlackBerry|BB10)\b/.test(ua)) return 'mobile';
  // Checked after Android, whose UAs also say "Linux".
  if (/\b(?:Windows NT|Macintosh|Mac OS X|X11|Linux|CrOS)\b/.test(ua)) return 'desktop';
  return 'unknown';
}

/**
 * Browser family and device class only: the full UA string (versions, build ids, device model)
 * is a strong fingerprint. iPadOS in desktop mode presents as a Mac and is counted as desktop.
 */
export function userAgentFamily(ua: string | null | undefined): UserAgentFamily {
  const text = (ua ?? '').trim();
  if (text === '') return { browser: 'Other', deviceType: 'unknown' };
  if (BOT.test(text)) return { browser: 'Other', deviceType: 'bot' };
  return { browser: browserFamily(text), deviceType: deviceType(text) };
}

// ---------------------------------------------------------------------------------------------
// The table

function define<F extends MaskFunction>(name: string, protection: Protection, apply: F): MaskingStrategy<F> {
  return Object.freeze({ name, protection, apply });
}

export const strategies = Object.freeze({
  redact: define('redact', 'DE_IDENTIFIED', redact),
  // Re-identifiable by whoever holds the key: still personal data.
  pseudonym: define('pseudonym', 'PSEUDONYMIZED', pseudonym),
  generalizeIp: define('generalizeIp', 'DE_IDENTIFIED', generalizeIp),
  coarsenGeo: define('coarsenGeo', 'DE_IDENTIFIED', coarsenGeo),
  generalizeDate: define('generalizeDate', 'DE_IDENTIFIED', generalizeDate),
  ageBand: define('ageBand', 'DE_IDENTIFIED', ageBand),
  emailDomain: define('emailDomain', 'DE_IDENTIFIED', emailDomain),
  userAgentFamily: define('userAgentFamily', 'DE_IDENTIFIED', userAgentFamily),
});

export type StrategyName = keyof typeof strategies;

/** True when the strategy's output is still personal data (and so still subject to erasure). */
export function isPersonalData(name: StrategyName): boolean {
  return strategies[name].protection === 'PSEUDONYMIZED';
}
