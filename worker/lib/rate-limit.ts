// Ceilings through Cloudflare's rate-limiting bindings (wrangler.toml [[ratelimits]]).
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

/** The window of RL_ACCOUNT, RL_IP and RL_SIGNUP_IP (wrangler.toml `simple.period`): the longest wait a refusal needs. */
const LIMIT_PERIOD_SECONDS = 60;

export const sourceOf = <E extends { Bindings: Env }>(c: Context<E>) => c.req.header("cf-connecting-ip") ?? "local";

const tooMany = () => new ApiError("rate_limited", "Too many attempts; wait a minute and try again.", undefined, { retryAfter: LIMIT_PERIOD_SECONDS });

/** Signup: per account (e-mail) and per IP, at what a class signing up together needs. */
export async function limitSignup<E extends { Bindings: Env }>(c: Context<E>, email: string): Promise<void> {
  const [account, address] = await Promise.all([
    c.env.RL_ACCOUNT.limit({ key: `signup:${email}` }),
    c.env.RL_SIGNUP_IP.limit({ key: `ip:${sourceOf(c)}` }),
  ]);
  if (!account.success || !address.success) throw tooMany();
}

/** Every login from one IP (a flood guard; failures per account and source: login-guard.ts). */
export async function limitLoginSource<E extends { Bindings: Env }>(c: Context<E>): Promise<void> {
  if (!(await c.env.RL_IP.limit({ key: `ip:${sourceOf(c)}` })).success) throw tooMany();
}

/** A per-account ceiling for other account actions (forgot password). */
export async function limitAccount<E extends { Bindings: Env }>(c: Context<E>, scope: string, email: string): Promise<void> {
  if (!(await c.env.RL_ACCOUNT.limit({ key: `${scope}:${email}` })).success) throw tooMany();
}

/** Whether one more mail may go to this address now (no mail bombing); never an error, so answers stay alike. */
export async function mayMail(env: Env, email: string): Promise<boolean> {
  return (await env.RL_MAIL.limit({ key: `mail:${email}` })).success;
}
