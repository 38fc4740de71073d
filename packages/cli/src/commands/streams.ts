import { jetStreamHandles } from "@uaip/platform";
import { applyStreams, streamDefinitions, streamStatus } from "@uaip/streams";
import { Command } from "commander";
import { openNats } from "../connections.ts";
import { cliContext, run } from "../context.ts";
import { formatBytes, table } from "../output.ts";

async function withJsm<T>(
  fn: (jsm: Awaited<ReturnType<typeof jetStreamHandles>>["jsm"], namespace: string) => Promise<T>,
): Promise<T> {
  const { config } = cliContext();
  const nc = await openNats(config);
  try {
    const { jsm } = await jetStreamHandles(nc);
    return await fn(jsm, config.namespace);
  } finally {
    await nc.close();
  }
}

export function streamsCommand(): Command {
  const cmd = new Command("streams").description(
    "Manage the JetStream streams that hold the event log (NATS_URL, UAIP_NAMESPACE)",
  );
  cmd
    .command("apply")
    .description(
      "Create or update the streams to match their definitions in streams/; prints what changed",
    )
    .action(() =>
      run(() =>
        withJsm(async (jsm, ns) => {
          const results = await applyStreams(jsm, streamDefinitions(ns));
          for (const r of results) {
            console.log(`${r.action.padEnd(9)} ${r.stream}`);
            if ("changes" in r)
              for (const c of r.changes)
                console.log(
                  `          ${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`,
                );
            if ("error" in r) console.log(`          ${r.error}`);
          }
          if (results.every((r) => r.action === "unchanged"))
            console.log("no change: every stream matches its definition");
          return results.some((r) => r.action === "failed") ? 1 : 0;
        }),
      ),
    );
  cmd
    .command("status")
    .description("Show messages, bytes, first/last sequence and consumers of each stream")
    .option("--json", "print JSON instead of a table")
    .action((opts: { json?: boolean }) =>
      run(() =>
        withJsm(async (jsm, ns) => {
          const status = await streamStatus(jsm, streamDefinitions(ns));
          if (opts.json) {
            console.log(JSON.stringify(status, null, 2));
            return;
          }
          console.log(
            table(
              ["stream", "messages", "bytes", "first seq", "last seq", "consumers"],
              status.map((s) =>
                s.exists
                  ? [
                      s.stream,
                      s.messages,
                      formatBytes(s.bytes),
                      s.firstSeq,
                      s.lastSeq,
                      s.consumers.map((c) => `${c.name} (pending ${c.pending})`).join(", ") ||
                        "none",
                    ]
                  : [s.stream, "missing: run `uaip streams apply`", "", "", "", ""],
              ),
            ),
          );
        }),
      ),
    );
  return cmd;
}
