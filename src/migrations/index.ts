import { InitialSchema1764370000000 } from './1764370000000-initial-schema';

/** Core migrations in order; plugins add their own through the registry. */
export const coreMigrations: Function[] = [InitialSchema1764370000000];
