import { Role } from '../../src/entities/enums';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';

/**
 * Issue 21 (tests that pin the rules): each personal field a reader asks for is logged under its
 * own category (../shared/LEGAL.md, access log; src/domain/personal-data.catalogue.ts), so that a
 * person's access request can say what was read about them, not just that something was.
 */
describe('access log: the category of each field read', () => {
  let t: TestGateway;
  const ds = () => t.gateway.dataSource;
  let subjectId: number;

  beforeAll(async () => {
    t = await startTestGateway('access_log_categories');
    const res = (await ds().query(
      `INSERT INTO subjects (status, source, name, email, phone, street_address, city, postal_code, region, country, birth_date, age_range, created_at, updated_at)
       VALUES ('ACTIVE', 'CONTACT_FORM', 'Ada Field', 'ada@example.test', '+1 415 555 0100', '1 Main St', 'Oakland', '94601', 'US-CA', 'US', '1990-01-15', NULL, NOW(3), NOW(3))`,
    )) as { insertId: number };
    subjectId = Number(res.insertId);
  });
  afterAll(() => t.close());

  const lastLogged = async (): Promise<string> =>
    ((await ds().query('SELECT categories FROM access_log WHERE subject_id = ? ORDER BY id DESC LIMIT 1', [subjectId])) as { categories: string }[])[0]!.categories;

  it.each([
    ['name', 'user.name'],
    ['phone', 'user.contact.phone_number'],
    ['streetAddress', 'user.contact.address'],
    ['city', 'user.contact.address'],
    ['postalCode', 'user.contact.address'],
    ['region', 'user.location.imprecise'],
    ['country', 'user.location.imprecise'],
    ['birthDate', 'user.demographic.date_of_birth'],
    ['email', 'user.contact.email'],
  ])('reading %s alone logs %s and nothing else', async (field, category) => {
    const res = await t.gql<{ user: Record<string, string> }>(`{ user(id: "${subjectId}") { id ${field} } }`, undefined, t.token(Role.ADMIN));
    expect(res.errors).toBeUndefined();
    expect(res.data!.user[field]).not.toBeNull();
    expect(await lastLogged()).toBe(category);
  });

  it('a read of several fields logs each category once, sorted; a field that is empty is not logged', async () => {
    const res = await t.gql(`{ user(id: "${subjectId}") { name phone streetAddress city region birthDate ageRange } }`, undefined, t.token(Role.ADMIN));
    expect(res.errors).toBeUndefined();
    // ageRange is NULL for this person: nothing of that category was read.
    expect(await lastLogged()).toBe('user.contact.address,user.contact.phone_number,user.demographic.date_of_birth,user.location.imprecise,user.name');
  });

  it('a read that returns only non-personal fields logs nothing', async () => {
    const before = Number(((await ds().query('SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ?', [subjectId])) as { n: number }[])[0]!.n);
    const res = await t.gql(`{ user(id: "${subjectId}") { id status createdAt } }`, undefined, t.token(Role.ADMIN));
    expect(res.errors).toBeUndefined();
    const after = Number(((await ds().query('SELECT COUNT(*) AS n FROM access_log WHERE subject_id = ?', [subjectId])) as { n: number }[])[0]!.n);
    expect(after).toBe(before);
  });
});
