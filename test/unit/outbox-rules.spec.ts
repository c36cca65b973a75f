import { scrubbedError } from '../../src/domain/outbox.service';

/** Issue 21 point 2 (docs/legal.md): no error an outbox row keeps quotes an address. */
describe('scrubbedError', () => {
  it('replaces the message\'s own address wherever it appears, even when it is not address-shaped to the pattern', () => {
    expect(scrubbedError('550 <ann@example.com> rejected; ann@example.com unknown', 'ann@example.com')).toBe('550 <<address>> rejected; <address> unknown');
    expect(scrubbedError('user weird@localhost unknown', 'weird@localhost')).toBe('user <address> unknown');
  });

  it('replaces any other address the server quoted', () => {
    expect(scrubbedError('forwarded to bob.b+tag@mail.example.org, then bounced', null)).toBe('forwarded to <address>, then bounced');
    expect(scrubbedError("'x@y.io'", null)).toBe("'<address>'");
  });

  it('keeps an error without addresses as it is, and at most 1000 characters', () => {
    expect(scrubbedError('connection refused', 'ann@example.com')).toBe('connection refused');
    // No address of its own: nothing is taken for one (split(null) would cut at the word "null").
    expect(scrubbedError('null reply from server', null)).toBe('null reply from server');
    expect(scrubbedError('e'.repeat(1200), null)).toHaveLength(1000);
    expect(scrubbedError('e'.repeat(999) + 'fgh', null)).toBe('e'.repeat(999) + 'f');
    expect(scrubbedError('at@ sign alone, @handle, and a@b', null)).toBe('at@ sign alone, @handle, and a@b');
  });
});
