/**
 * Hostile requests of issue 18, written once for the tests that refuse them and the script that
 * measures what refusing them costs (`npm run abuse-cost`).
 */

/** n fragments, each spreading the next twice: 2^n copies of the last fragment's selection. */
export function fanOutDocument(n: number, on: 'Query' | 'Mutation' = 'Query', leaf = '__typename'): string {
  const chain = Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`).join(' ');
  return `${on === 'Mutation' ? 'mutation ' : ''}{ ...F0 } ${chain} fragment F${n} on ${on} { ${leaf} }`;
}

/** A /graphql body whose `registerUser` input nests `levels` objects deep (JSON.stringify would overflow first). */
export function deepVariablesBody(levels: number): string {
  const deep = '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  return `{"query":"mutation($i: RegisterUserInput!) { registerUser(input: $i) { id } }","variables":{"i":${deep}}}`;
}
