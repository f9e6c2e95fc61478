// Types of bin/cli-bundle.js, plain JavaScript so that it runs before anything is built.

/** A checkout: its root and the entry modules to bundle (output name → source path relative to root). */
export interface Project {
  root: string;
  entries: Record<string, string>;
}
export const CLI: Project;
/** The bundle directory when every recorded input is unchanged on disk, else undefined. */
export function freshBundle(root: string): string | undefined;
/** Builds a new bundle directory and points the manifest at it. */
export function buildBundle(project: Project): Promise<string>;
/** The cached bundle when fresh, else a new build. */
export function currentBundle(project: Project): Promise<string>;
