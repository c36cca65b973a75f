import { readFileSync } from 'node:fs';
import path from 'node:path';
import { READ_PURPOSE_RULES, type RelationField } from '../../src/domain/read-purpose.rules';
import { ReadPurpose } from '../../src/entities/enums';
import { fullTypeAccess, readmeSection, typeAccessMarkdown } from '../../scripts/type-access-table';

const README = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

const LIST_NAMES: Record<RelationField, string> = {
  consents: 'consents', consentHistory: 'consent history', disclosures: 'disclosures', recipients: 'recipients', requests: 'requests', californiaNotices: 'California notices', policyNotices: 'policy notices',
};

describe('the README tables, against the rule tables', () => {
  it('shows who sees which type exactly as the type-access table says (npm run docs:types rewrites it)', () => {
    expect(readmeSection(README)).toBe(typeAccessMarkdown(fullTypeAccess()));
  });

  it.each(Object.values(ReadPurpose))('lists the lists %s shows as the read-purpose table says', (purpose) => {
    const relations = READ_PURPOSE_RULES[purpose].relations;
    const shown = relations.map((r) => LIST_NAMES[r]).join(', ');
    const row = README.split('\n').find((l) => l.startsWith(`| ${purpose} |`));
    expect(row).toBeDefined();
    expect(row!.split('|').map((c) => c.trim())[4]).toBe(shown);
  });
});
