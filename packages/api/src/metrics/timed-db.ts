import type { Db } from "@uaip/platform";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { dbQueryDuration } from "./api-metrics.ts";

const operationOf: Record<string, string> = {
  SelectQueryNode: "select",
  InsertQueryNode: "insert",
  UpdateQueryNode: "update",
  DeleteQueryNode: "delete",
  RawNode: "raw",
};

/** Times every query that completes; a failed one leaves no trace (its entry is GC'd with it). */
function queryTimer(): KyselyPlugin {
  const started = new WeakMap<object, { at: number; op: string }>();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      started.set(args.queryId, {
        at: performance.now(),
        op: operationOf[args.node.kind] ?? "other",
      });
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const s = started.get(args.queryId);
      if (s) dbQueryDuration.observe({ operation: s.op }, (performance.now() - s.at) / 1000);
      return args.result;
    },
  };
}

/** The same pool, with each query's duration in `uaip_db_query_duration_seconds`. */
export function timedDb(db: Db): Db {
  return db.withPlugin(queryTimer());
}
