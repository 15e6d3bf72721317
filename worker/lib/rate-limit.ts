// Login/signup ceilings through Cloudflare's rate-limiting bindings: per account (e-mail) and a
// generous per-IP one, so a campus behind one address can still sign up together.
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

/** The window of RL_ACCOUNT and RL_IP (wrangler.toml `simple.period`): the longest wait a refusal needs. */
const LIMIT_PERIOD_SECONDS = 60;

export async function limitAccountAndIp<E extends { Bindings: Env }>(c: Context<E>, scope: string, email: string): Promise<void> {
  const ip = c.req.header("cf-connecting-ip") ?? "local";
  const [account, address] = await Promise.all([
    c.env.RL_ACCOUNT.limit({ key: `${scope}:${email}` }),
    c.env.RL_IP.limit({ key: `ip:${ip}` }),
  ]);
  if (!account.success || !address.success)
    throw new ApiError("rate_limited", "Too many attempts; wait a minute and try again.", undefined, { retryAfter: LIMIT_PERIOD_SECONDS });
}
