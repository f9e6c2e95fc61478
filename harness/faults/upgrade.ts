import type { Values } from '../kong/values.ts';

/**
 * Values that turn off the chart's pre- and post-upgrade migration jobs, so a Kong image
 * upgrade in DB mode runs on a schema nobody migrated. The chart defaults both to true and
 * renders each Job only while its flag is set (charts/kong/values.yaml `migrations`,
 * templates/migrations-pre-upgrade.yaml and migrations-post-upgrade.yaml @kong-3.4.1).
 * `false`, never null: the keys are in the chart's defaults, where Helm would drop a null and
 * bring the default `true` back (pkg/chartutil/coalesce.go@v3.18.6).
 */
export function withoutMigrations(): Values {
  return { migrations: { preUpgrade: false, postUpgrade: false } };
}
