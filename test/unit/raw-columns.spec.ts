import { getMetadataArgsStorage } from 'typeorm';
import { Consent } from '../../src/entities/consent.entity';
import { Recipient } from '../../src/entities/recipient.entity';
import { Subject } from '../../src/entities/subject.entity';
import { CONSENT_COLUMN_NAMES } from '../../src/schema/loaders/consent.loader';
import { RECIPIENT_COLUMN_NAMES } from '../../src/schema/loaders/recipient.loader';
import { SUBJECT_COLUMN_NAMES } from '../../src/schema/loaders/subject.loader';

/** The database column names TypeORM maps for an entity (explicit names, else the property name). */
function entityColumns(entity: Function): string[] {
  return getMetadataArgsStorage()
    .columns.filter((c) => c.target === entity)
    .map((c) => c.options.name ?? c.propertyName)
    .sort();
}

// The read path maps raw rows by hand; a column added to an entity must not be silently left out.
describe('hand-written column lists of the raw loaders', () => {
  it.each([
    ['subjects', Subject, SUBJECT_COLUMN_NAMES],
    ['consents', Consent, CONSENT_COLUMN_NAMES],
    ['recipients', Recipient, RECIPIENT_COLUMN_NAMES],
  ] as const)('%s: the list names every column of the entity, and nothing else', (_table, entity, names) => {
    expect(entityColumns(entity).length).toBeGreaterThan(3);
    expect([...names].sort()).toEqual(entityColumns(entity));
  });
});
