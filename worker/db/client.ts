import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

const build = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof build>;

// The drizzle instance of the D1 binding, kept for the isolate's life: building one walks the
// whole schema (a measurable share of each request's CPU), and it holds nothing request-scoped.
let cached: { d1: D1Database; db: Db } | null = null;

export function makeDb(d1: D1Database): Db {
  if (cached !== null && cached.d1 === d1) return cached.db;
  const db = build(d1);
  cached = { d1, db };
  return db;
}
