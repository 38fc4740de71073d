#!/usr/bin/env node
// The hub is TypeScript with no build step to remember: this runs a bundle of the CLI
// (dist/uaip.mjs, made with esbuild in ~0.2 s) and remakes it whenever a source file is
// newer. Plain Node on a bundle needs a third of the memory of a TypeScript loader thread.
// If bundling is impossible, it falls back to running the sources through tsx.
import { mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const cliDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(cliDir, "..", "..");
const bundle = join(cliDir, "dist", "uaip.mjs");
const sourceDirs = ["packages", "projections", "streams", "migrations"].map((d) => join(root, d));

function newestSource(dir, newest = 0) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith("."))
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = newestSource(path, newest);
    else if (entry.name.endsWith(".ts") || entry.name === "package.json")
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsCurrent() {
  try {
    const built = statSync(bundle).mtimeMs;
    return sourceDirs.every((d) => newestSource(d) <= built);
  } catch {
    return false;
  }
}

async function makeBundle() {
  const { build } = await import("esbuild");
  mkdirSync(dirname(bundle), { recursive: true });
  const partial = `${bundle}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(cliDir, "src", "main.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // The workspace's own packages are bundled; every other package is imported from node_modules.
    plugins: [
      {
        name: "external-packages",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) =>
            a.path.startsWith("@uaip/") ? undefined : { path: a.path, external: true },
          );
        },
      },
    ],
  });
  renameSync(partial, bundle); // atomic: concurrent starts never run half a file
}

let entry = bundle;
try {
  if (!bundleIsCurrent()) await makeBundle();
} catch {
  const { register } = await import("tsx/esm/api");
  register();
  entry = join(cliDir, "src", "main.ts");
}
await import(pathToFileURL(entry).href);
