import DataLoader from 'dataloader';
import { DataCategory } from '../../entities/data-category.entity';
import { groupBy, type LoaderRegistry } from './loader-registry';

export const categoriesByDisclosureLoader = ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, DataCategory[]>(async (ids) => {
    const rows: { disclosure_id: number; key: string; label: string; stl: string | null }[] = await ds.query(
      `SELECT dc.disclosure_id, c.\`key\`, c.label, c.shine_the_light_category AS stl
         FROM disclosure_categories dc JOIN data_categories c ON c.\`key\` = dc.category_key
        WHERE dc.disclosure_id IN (?) ORDER BY dc.disclosure_id, c.\`key\``,
      [ids],
    );
    return groupBy(ids, rows, (r) => Number(r.disclosure_id)).map((list) =>
      list.map((r) => Object.assign(new DataCategory(), { key: r.key, label: r.label, shineTheLightCategory: r.stl })),
    );
  });
