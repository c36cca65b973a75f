import { Writable } from 'node:stream';
import { addressAllowed } from '../../src/http/metrics.routes';
import { createLogger, errorFields, saneRequestId, scrub } from '../../src/ops/logger';

describe('scrubbing personal data out of error text', () => {
  it('removes quoted values, emails, IP addresses and phone numbers', () => {
    const text = `Duplicate entry 'ann@example.com' for key 'uq_subjects_email'; mail to bob.smith@mail.example.org failed from 203.0.113.7 / 2001:db8::1, call +1 (415) 555-0123`;
    const out = scrub(text);
    for (const s of ['ann@example.com', 'bob.smith@mail.example.org', '203.0.113.7', '2001:db8::1', '415', '555-0123']) expect(out).not.toContain(s);
    expect(out).toContain('Duplicate entry');
  });

  it('logs an error by type, code and scrubbed message, never its other properties', () => {
    const err = Object.assign(new Error(`Unknown column for 'x@y.example'`), { code: 'ER_BAD_FIELD_ERROR', parameters: ['x@y.example', '+14155550123'], query: 'SELECT 1' });
    const fields = errorFields(err);
    expect(fields).toMatchObject({ errorType: 'Error', errorCode: 'ER_BAD_FIELD_ERROR' });
    expect(JSON.stringify(fields)).not.toMatch(/x@y\.example|4155550123|parameters/);
    expect(errorFields('plain x@y.example')).toEqual({ error: 'plain [email]' });
  });

  it('redacts personal keys if a caller ever logs them', () => {
    let out = '';
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }) as unknown as { write(s: string): void });
    logger.info({ email: 'a@b.example', row: { phone: '+1415', ip: '10.0.0.1' }, variables: { x: 1 }, jobId: 'j1' }, 'hello');
    const line = JSON.parse(out);
    expect(line).toMatchObject({ level: 'info', msg: 'hello', email: '[redacted]', row: { phone: '[redacted]', ip: '[redacted]' }, variables: '[redacted]', jobId: 'j1' });
  });
});

describe('request ids and the /metrics address list', () => {
  it('takes an incoming request id only if it looks like one', () => {
    expect(saneRequestId('abc-123_DEF.456:7')).toBe('abc-123_DEF.456:7');
    expect(saneRequestId(['trace-00000001', 'x'])).toBe('trace-00000001');
    for (const bad of [undefined, '', 'short', 'has space in it', 'a'.repeat(200), 'x\ny-12345678', 'ann@example.com']) expect(saneRequestId(bad)).toBeNull();
  });

  it('matches loopback, exact addresses, IPv4 CIDRs and *', () => {
    expect(addressAllowed(['loopback'], '127.0.0.1')).toBe(true);
    expect(addressAllowed(['loopback'], '::1')).toBe(true);
    expect(addressAllowed(['loopback'], '10.0.0.1')).toBe(false);
    expect(addressAllowed(['10.1.2.0/24'], '10.1.2.200')).toBe(true);
    expect(addressAllowed(['10.1.2.0/24'], '10.1.3.1')).toBe(false);
    expect(addressAllowed(['0.0.0.0/0'], '192.168.1.1')).toBe(true);
    expect(addressAllowed(['192.168.1.5'], '192.168.1.5')).toBe(true);
    expect(addressAllowed(['192.168.1.5'], '192.168.1.6')).toBe(false);
    expect(addressAllowed(['*'], 'fe80::1')).toBe(true);
    expect(addressAllowed([], '127.0.0.1')).toBe(false);
  });
});

describe('scrubbing keeps what is needed to debug', () => {
  it('leaves stack positions and error codes alone', () => {
    const stack = 'Error: boom\n    at run (/app/dist/src/jobs/erasure.job.js:12:34)';
    expect(scrub(stack)).toBe(stack);
  });
});
