import { defineConfig } from 'vitest/config';

/**
 * Files that change what a module sees when it is first imported (color.test forces
 * FORCE_COLOR and reloads ink): they get a fresh module graph. Every other file
 * shares one per worker (isolate: false), which spares re-importing zod, yaml,
 * xstate and the checks for each of 200+ files.
 */
const isolated = ['test/ui/color.test.tsx'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most files wait on child processes (the built CLI, kubectl, tmux) and sockets, not on
    // this process's CPU: three at a time keep two cores busy. Vitest's default on two
    // cores is one file at a time.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: isolated,
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: isolated },
      },
    ],
  },
});
