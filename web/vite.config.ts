import preact from "@preact/preset-vite";
import { type Plugin, defineConfig } from "vite";
import { siteHeadersFile } from "../worker/lib/security-policy.ts";

/** The assets' `_headers` (Workers static assets), from the policy the API applies too. */
const securityHeaders = (): Plugin => ({
  name: "inf-security-headers",
  generateBundle() {
    this.emitFile({ type: "asset", fileName: "_headers", source: siteHeadersFile() });
  },
});

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact(), securityHeaders()],
  build: { outDir: "dist", emptyOutDir: true },
  server: { proxy: { "/api": "http://127.0.0.1:8787" } },
});
