import type { Values } from '../kong/values.ts';

/**
 * Values that turn off the chart's pre- and post-upgrade migration jobs, so a Kong image
 * upgrade in DB mode runs on a schema nobody migrated (the chart default runs both).
 */
export function withoutMigrations(): Values {
  return { migrations: { preUpgrade: false, postUpgrade: false } };
}
