// Login/signup ceilings through Cloudflare's rate-limiting bindings: per account (e-mail) and a
// generous per-IP one, so a campus behind one address can still sign up together.
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

export async function limitAccountAndIp<E extends { Bindings: Env }>(c: Context<E>, scope: string, email: string): Promise<void> {
  const ip = c.req.header("cf-connecting-ip") ?? "local";
  const [account, address] = await Promise.all([
    c.env.RL_ACCOUNT.limit({ key: `${scope}:${email}` }),
    c.env.RL_IP.limit({ key: `ip:${ip}` }),
  ]);
  if (!account.success || !address.success)
    throw new ApiError("rate_limited", "Too many attempts; wait a minute and try again.");
}
