// One GET of the API as a component's state: the data, the failure, and a way to load it again.
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.ts";

export function useLoad<T>(path: string, onData?: (data: T) => void) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () =>
    void get<T>(path)
      .then((d) => {
        setData(d);
        setError(null);
        onData?.(d);
      })
      .catch(setError);
  useEffect(reload, [path]);
  return { data, error, reload, setData };
}
