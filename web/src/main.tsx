import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { PublicEvent } from "../../worker/domain/contract.ts";

function App() {
  const [event, setEvent] = useState<PublicEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch("/api/event")
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((b: { event: PublicEvent }) => setEvent(b.event))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: "40rem", margin: "3rem auto", padding: "0 1rem" }}>
      <h1>{event?.name ?? "INF"}</h1>
      {error && <p role="alert">L’événement n’a pas pu être chargé ({error}).</p>}
      {event && (
        <p>
          {event.date} · phase {event.currentPhase === 0 ? "fermée" : event.currentPhase} · API: <code>/api/*</code>
        </p>
      )}
    </main>
  );
}

render(<App />, document.getElementById("app")!);
