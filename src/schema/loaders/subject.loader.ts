import DataLoader from 'dataloader';
import { catalogueColumns } from '../../domain/personal-data.catalogue';
import { Subject } from '../../entities/subject.entity';
import type { SubjectSource, SubjectStatus } from '../../entities/enums';
import { defineLoader, indexBy, type LoaderRegistry } from './loader-registry';

/**
 * Every subject column: the personal-data catalogue's, personal and not (a unit test compares the
 * list with the entity's).
 */
export const SUBJECT_COLUMN_NAMES: readonly string[] = catalogueColumns('subjects');

/** The columns as TypeORM's raw selection of alias `s` names them (`s_<column>`). */
const SUBJECT_COLUMNS = SUBJECT_COLUMN_NAMES.map((c) => `s.${c} AS s_${c}`).join(', ');

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A subject from a raw row with `s_`-prefixed columns. Pages of users are read raw: hydrating
 * entities through TypeORM cost more than the statement. DATE columns arrive as UTC midnight
 * (the pool's time zone is Z) and are shown as the entity shows them (utc: true), YYYY-MM-DD.
 */
export function subjectFromRow(r: Record<string, unknown>): Subject {
  const birth = r.s_birth_date as Date | string | null;
  return Object.assign(new Subject(), {
    id: Number(r.s_id),
    name: (r.s_name as string | null) ?? null,
    email: (r.s_email as string | null) ?? null,
    phone: (r.s_phone as string | null) ?? null,
    streetAddress: (r.s_street_address as string | null) ?? null,
    city: (r.s_city as string | null) ?? null,
    postalCode: (r.s_postal_code as string | null) ?? null,
    region: (r.s_region as string | null) ?? null,
    country: (r.s_country as string | null) ?? null,
    birthDate: birth instanceof Date ? `${pad(birth.getUTCFullYear(), 4)}-${pad(birth.getUTCMonth() + 1)}-${pad(birth.getUTCDate())}` : (birth ?? null),
    ageRange: (r.s_age_range as string | null) ?? null,
    status: r.s_status as SubjectStatus,
    source: r.s_source as SubjectSource,
    createdAt: r.s_created_at as Date,
    updatedAt: r.s_updated_at as Date,
    erasedAt: (r.s_erased_at as Date | null) ?? null,
  });
}

export const subjectLoader = defineLoader('subject', ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, Subject | null>(async (ids) => {
    const rows: Record<string, unknown>[] = await ds.query(`SELECT ${SUBJECT_COLUMNS} FROM subjects s WHERE s.id IN (?)`, [ids]);
    return indexBy(ids, rows.map(subjectFromRow), (s) => s.id);
  }));
