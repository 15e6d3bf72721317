// The one way to send a mail: put it on the queue. The consumer renders, sends and deduplicates.
import type { Mail, QueuedMail } from "./types.ts";

/** Queues.sendBatch takes at most 100 messages. */
const BATCH = 100;

/** One message: a mail, or booking states whose mails the consumer composes (booking-mails.ts). */
export async function enqueueMail(env: Env, mail: QueuedMail): Promise<void> {
  await env.MAIL_QUEUE.send(mail, { contentType: "json" });
}

export async function enqueueMails(env: Env, mails: readonly Mail[]): Promise<void> {
  for (let i = 0; i < mails.length; i += BATCH)
    await env.MAIL_QUEUE.sendBatch(mails.slice(i, i + BATCH).map((body) => ({ body, contentType: "json" as const })));
}
