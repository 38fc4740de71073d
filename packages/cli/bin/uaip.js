#!/usr/bin/env node
// The hub is TypeScript run through tsx (no build step): register its loader, then start.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
