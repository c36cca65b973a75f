import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { DataCategory } from '../../entities/data-category.entity';
import type { LoaderRegistry } from './loader-registry';

/**
 * The categories of many disclosures in one statement, keyed by disclosure id; each category
 * object is built once and shared by every disclosure that carries it.
 */
export async function categoriesOf(ds: DataSource, disclosureIds: readonly number[]): Promise<Map<number, DataCategory[]>> {
  const byDisclosure = new Map<number, DataCategory[]>(disclosureIds.map((id) => [id, []]));
  if (disclosureIds.length === 0) return byDisclosure;
  const rows: { disclosure_id: number; key: string; label: string; stl: string | null }[] = await ds.query(
    `SELECT dc.disclosure_id, c.\`key\`, c.label, c.shine_the_light_category AS stl
       FROM disclosure_categories dc JOIN data_categories c ON c.\`key\` = dc.category_key
      WHERE dc.disclosure_id IN (?) ORDER BY dc.disclosure_id, c.\`key\``,
    [disclosureIds],
  );
  const category = new Map<string, DataCategory>();
  for (const r of rows) {
    let cat = category.get(r.key);
    if (!cat) {
      cat = Object.assign(new DataCategory(), { key: r.key, label: r.label, shineTheLightCategory: r.stl });
      category.set(r.key, cat);
    }
    byDisclosure.get(Number(r.disclosure_id))?.push(cat);
  }
  return byDisclosure;
}

export const categoriesByDisclosureLoader = ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, DataCategory[]>(async (ids) => {
    const byDisclosure = await categoriesOf(dataSource, ids);
    return ids.map((id) => byDisclosure.get(id) ?? []);
  });
