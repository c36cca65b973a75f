import DataLoader from 'dataloader';
import { exclusions, type ExclusionReason } from '../../domain/read-purpose.service';
import type { ReadPurposeRule } from '../../domain/read-purpose.rules';
import { defineLoader, type LoaderRegistry } from './loader-registry';

/** Why each person asked for by id is left out of a marketing read (null: shown), one statement per batch. */
export const exclusionLoader = (rule: ReadPurposeRule) => defineLoader('readExclusion', (registry: LoaderRegistry) =>
  new DataLoader<number, ExclusionReason | null>(async (ids) => {
    const reasons = await exclusions(registry.dataSource.manager, rule, ids);
    return ids.map((id) => reasons.get(id) ?? null);
  }));
