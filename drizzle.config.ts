// drizzle-kit writes SQL migrations where wrangler applies them (wrangler.toml migrations_dir).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
