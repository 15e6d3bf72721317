// The one validator wrapper: zod schemas (strict) for JSON bodies, queries and path params.
// Failures become 400 validation_failed with one entry per field.
import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { ApiError } from "./errors.ts";

export function fieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = "input"): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError("validation_failed", `Invalid ${what}.`, fieldErrors(r.error));
  return r.data;
}

export const valid = <T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) =>
  validator(target, (value): z.output<S> => parseOr400(schema, value, target === "json" ? "body" : target));
