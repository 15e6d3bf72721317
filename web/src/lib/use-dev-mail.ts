// The local inbox's messages (GET /api/dev/mail, local runs only), optionally for one recipient.
import { useEffect, useState } from "preact/hooks";
import type { DevMailMessage } from "../../../worker/domain/contract.ts";
import { get } from "./api.ts";

export function useDevMail(to: string) {
  const [messages, setMessages] = useState<DevMailMessage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    get<{ messages: DevMailMessage[] }>(`/dev/mail${to ? `?to=${encodeURIComponent(to)}` : ""}`).then(
      (r) => {
        setMessages(r.messages);
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    void load();
    const id = setInterval(() => void load(), 3000);
    return () => clearInterval(id);
  }, [to]);
  return { messages, error, reload: load };
}
