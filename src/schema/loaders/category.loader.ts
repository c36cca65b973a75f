import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { DataCategory } from '../../entities/data-category.entity';
import { defineLoader, type LoaderRegistry } from './loader-registry';

/**
 * The categories of many disclosures in one statement, keyed by disclosure id; each category
 * object is built once and shared by every disclosure that carries it.
 */
export async function categoriesOf(ds: DataSource, disclosureIds: readonly number[]): Promise<Map<number, DataCategory[]>> {
  const byDisclosure = new Map<number, DataCategory[]>(disclosureIds.map((id) => [id, []]));
  if (disclosureIds.length === 0) return byDisclosure;
  // A page names a dozen categories thousands of times: only each category's first row
  // carries its label and mapping, the others NULLs.
  const rows: { disclosure_id: number; key: string; first: number; label: string | null; stl: string | null }[] = await ds.query(
    `SELECT t.disclosure_id, t.\`key\`, t.first, CASE WHEN t.first = 1 THEN c.label END AS label, CASE WHEN t.first = 1 THEN c.shine_the_light_category END AS stl
       FROM (SELECT dc.disclosure_id, dc.category_key AS \`key\`, ROW_NUMBER() OVER (PARTITION BY dc.category_key ORDER BY dc.disclosure_id) AS first
               FROM disclosure_categories dc WHERE dc.disclosure_id IN (?)) t
       JOIN data_categories c ON c.\`key\` = t.\`key\`
      ORDER BY t.disclosure_id, t.\`key\``,
    [disclosureIds],
  );
  const category = new Map<string, DataCategory>();
  for (const r of rows) {
    if (Number(r.first) === 1) category.set(r.key, Object.assign(new DataCategory(), { key: r.key, label: r.label!, shineTheLightCategory: r.stl }));
  }
  for (const r of rows) byDisclosure.get(Number(r.disclosure_id))?.push(category.get(r.key)!);
  return byDisclosure;
}

export const categoriesByDisclosureLoader = defineLoader('categoriesByDisclosure', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, DataCategory[]>(async (ids) => {
    const byDisclosure = await categoriesOf(dataSource, ids);
    return ids.map((id) => byDisclosure.get(id) ?? []);
  }));
