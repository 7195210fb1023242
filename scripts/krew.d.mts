// Types for scripts/krew.mjs, which tests import.
export function releaseUrl(pkg: { version: string }): string;
export function krewManifest(pkg: { version: string; homepage?: string }, artifacts: { platform: string; name: string; sha256: string }[]): string;
export function krewProblems(name: string, manifest: unknown): string[];
