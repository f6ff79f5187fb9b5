import { loadConfig } from '../config.js';
import { migrate } from './migrate.js';

const applied = await migrate(loadConfig().databaseUrl);
console.log(applied.length ? `applied ${applied.join(', ')}` : 'the database is up to date');
