import { deliveryTo, envelopeOf, letterFileName, printReadyLetter } from '../../src/domain/postal-letter';

const ada = { name: 'Ada Lovelace', streetAddress: '1 Main St', city: 'Oakland', postalCode: '94601', region: 'US-CA', country: 'US' };

/** Issue 21, point 14 (docs/legal.md): a notice reaches people without email, by post. */
describe('letters by post (1798.83(a): "in writing or by electronic mail")', () => {
  it('writes a domestic envelope in USPS order, the state as its code and no country', () => {
    expect(envelopeOf(ada)).toBe('Ada Lovelace\n1 Main St\nOakland, CA 94601');
  });

  it('names the country of a foreign address, and keeps a region that is not a subdivision code as written', () => {
    expect(envelopeOf({ ...ada, city: 'Toronto', postalCode: 'M5V 2T6', region: 'ON', country: 'ca' })).toBe('Ada Lovelace\n1 Main St\nToronto, ON M5V 2T6\nCA');
    expect(envelopeOf({ ...ada, region: null, country: null })).toBe('Ada Lovelace\n1 Main St\nOakland, 94601');
  });

  it('collapses spaces and line breaks inside a field, so that a field cannot add an envelope line', () => {
    expect(envelopeOf({ ...ada, name: '  Ada \n Lovelace ', streetAddress: '1  Main\r\nSt' })).toBe('Ada Lovelace\n1 Main St\nOakland, CA 94601');
  });

  it('needs a street, a city and a postal code; a name is not needed', () => {
    for (const missing of ['streetAddress', 'city', 'postalCode'] as const) {
      expect(envelopeOf({ ...ada, [missing]: null })).toBeNull();
      expect(envelopeOf({ ...ada, [missing]: '   ' })).toBeNull();
    }
    expect(envelopeOf({ ...ada, name: null })).toBe('1 Main St\nOakland, CA 94601');
  });

  it('names a letter file after its message, zero-padded, and refuses anything else', () => {
    expect(letterFileName(1)).toBe('letter-0000000001.html');
    expect(letterFileName(4294967295)).toBe('letter-4294967295.html');
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => letterFileName(bad)).toThrow('not a message id');
  });

  it('prints the envelope in the window, escaped, then the body of the HTML letter', () => {
    const html = printReadyLetter({
      envelope: 'Ada <b>Lovelace</b>\n1 Main St', subject: 'Your notice', reference: '42', date: 'December 6, 2026',
      html: '<!doctype html><html><head><title>x</title></head><body style="x"><p>Dear Ada,</p></body></html>', text: 'ignored',
    });
    expect(html).toContain('<div class="envelope">Ada &lt;b&gt;Lovelace&lt;/b&gt;\n1 Main St</div>');
    expect(html).toContain('<div class="reference">December 6, 2026<br>Ref. 42</div>');
    expect(html).toContain('<p>Dear Ada,</p>\n</div></body></html>');
    expect(html).not.toContain('ignored');
    expect(html).not.toContain('<title>x</title>');
    expect(html).toContain('@page { size: letter; margin: 0; }');
  });

  it('prints a text-only message as preformatted, escaped text', () => {
    const html = printReadyLetter({ envelope: 'A', subject: 'S & T', reference: '1', date: 'd', html: null, text: 'a < b\n\nc' });
    expect(html).toContain('<pre style="white-space: pre-wrap; font-family: inherit">a &lt; b\n\nc</pre>');
    expect(html).toContain('<title>S &amp; T</title>');
  });

  it('sends a written answer by email when there is an address, else by post, else not at all', () => {
    const row = { email: null, name: 'Ada Lovelace', street_address: '1 Main St', city: 'Oakland', postal_code: '94601', region: 'US-CA', country: 'US' };
    expect(deliveryTo({ ...row, email: 'ada@example.com' })).toEqual({ by: 'EMAIL', to: 'ada@example.com' });
    expect(deliveryTo(row)).toEqual({ by: 'POSTAL_MAIL', to: 'Ada Lovelace\n1 Main St\nOakland, CA 94601' });
    expect(deliveryTo({ ...row, postal_code: null })).toEqual({ by: 'NONE' });
    expect(deliveryTo(undefined)).toEqual({ by: 'NONE' });
  });
});
