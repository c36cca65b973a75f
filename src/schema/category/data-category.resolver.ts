import { Ctx, Query, Resolver } from 'type-graphql';
import { DataCategory } from '../../entities/data-category.entity';
import { Role } from '../../entities/enums';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { DataCategoryType } from './data-category.type';

@Resolver(() => DataCategoryType)
export class DataCategoryResolver {
  @Query(() => [DataCategoryType], { description: 'Every data category, ordered by key. Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN.' })
  @Roles(Role.APP, Role.LEGAL, Role.MNA, Role.PRIVACY_OPS, Role.ADMIN)
  async dataCategories(@Ctx() ctx: GatewayContext): Promise<DataCategory[]> {
    return ctx.dataSource.getRepository(DataCategory).find({ order: { key: 'ASC' } });
  }
}
