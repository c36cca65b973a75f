import { renderNotice } from '../../src/domain/california-notice.service';

/** Issue 21 point 15 (docs/legal.md): the letter never says something untrue. */
describe('the Shine-the-Light letter', () => {
  const none = { year: 2025, categories: [], recipients: [], noDisclosures: true };

  it('1798.83(e)(6)(A): with no disclosure of the listed categories, it says exactly that, not that nothing was disclosed', () => {
    const { text, html } = renderNotice(none, 'Dee Cember', 'Acme');
    expect(text).toContain(
      'During 2025, Acme did not disclose to third parties, for their direct marketing purposes, any personal information about you of the categories California Civil Code section 1798.83 lists (such as your name and address, email address or telephone number).',
    );
    expect(text).not.toMatch(/did not disclose any of your personal information/);
    expect(html).toContain('of the categories California Civil Code section 1798.83 lists');
  });

  it('lists the categories and recipients when there were disclosures, and does not use the no-disclosure sentence', () => {
    const { text } = renderNotice({ year: 2025, categories: ['Name and address'], recipients: [{ name: 'Acme Offers', postalAddress: '1 Main St', businessDescription: null }], noDisclosures: false }, null, 'Acme');
    expect(text).toContain('  - Name and address');
    expect(text).toContain('  Acme Offers\n  1 Main St');
    expect(text).toContain('Dear customer,');
    expect(text).not.toContain('did not disclose');
  });
});
