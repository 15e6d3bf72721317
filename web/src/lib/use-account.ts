// Account actions as hooks: a form's busy/error state around one call, and the verification link
// followed on arrival. Pages only render what these return.
import { useEffect, useState } from "preact/hooks";
import type { User } from "../../../worker/domain/contract.ts";
import { fieldMessages } from "./api.ts";
import { verifyEmail } from "./session.ts";

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  fields: Record<string, string>;
  done: R | undefined;
}

/** One call at a time; its result, its error, and the fields the server refused. */
export function useAction<A extends unknown[], R>(call: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<R | undefined>(undefined);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call(...args);
      setDone(() => r);
      return r;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, fields: fieldMessages(error), done };
}

/** Follows the verification link once on arrival: the verified user, or the failure. */
export function useVerifyLink(token: string | undefined): { user: User | null; error: unknown; working: boolean } {
  const [state, setState] = useState<{ user: User | null; error: unknown; working: boolean }>({ user: null, error: null, working: !!token });
  useEffect(() => {
    if (!token) return setState({ user: null, error: new Error("no token"), working: false });
    verifyEmail(token).then(
      (user) => setState({ user, error: null, working: false }),
      (error: unknown) => setState({ user: null, error, working: false }),
    );
  }, [token]);
  return state;
}
