import { fullSchema, undescribed } from '../../scripts/schema-descriptions';

describe('the API explains itself (issue 24)', () => {
  it('gives every type, field, argument and enum value a description', async () => {
    expect(undescribed(await fullSchema())).toEqual([]);
  });
  it('has a complete Relay PageInfo', async () => {
    const pageInfo = (await fullSchema()).getType('PageInfo') as import('graphql').GraphQLObjectType;
    expect(Object.keys(pageInfo.getFields()).sort()).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
  });
});
