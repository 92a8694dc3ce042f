// What a user does: the packed tarball installed into fresh projects
// (tests/package) and the original README's commands (tests/commands).
// One file at a time: both build dist/ (npm pack, npm run build) and start
// servers; `make test-user` runs it after the other suites.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/package/**/*.test.ts", "tests/commands/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
