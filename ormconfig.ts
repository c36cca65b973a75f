import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/database';

/**
 * The DataSource the TypeORM CLI uses (migration:show, migration:generate against a scratch
 * database). The app builds the same DataSource through the same factory.
 */
export default createDataSource(loadConfig());
