import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", ".uaip/**"];

// Test tiers by file suffix: *.test.ts is pure (no I/O), *.int.test.ts talks to the real
// NATS, PostgreSQL and Redis, *.e2e.test.ts goes through the HTTP API or the CLI. Every
// file isolates itself (own namespace, database and key prefix), so files run in parallel.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts", "**/*.e2e.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.int.test.ts", "**/*.e2e.test.ts"],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
