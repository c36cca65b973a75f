import type { TestGateway } from './test-gateway';

let counter = 0;

/** Registers a user through the API and returns its id. */
export async function registerUser(t: TestGateway, input: Record<string, unknown> = {}): Promise<string> {
  counter += 1;
  const res = await t.gql<{ registerUser: { id: string } }>(`mutation($input: RegisterUserInput!) { registerUser(input: $input) { id } }`, {
    input: { name: `Person ${counter}`, email: `person${counter}.${process.pid}@example.com`, ...input },
  });
  if (!res.data) throw new Error(`registerUser failed: ${JSON.stringify(res.errors)}`);
  return res.data.registerUser.id;
}
