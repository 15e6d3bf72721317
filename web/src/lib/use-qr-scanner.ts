// Reading a check-in code with the phone's camera: the browser's BarcodeDetector where it has one
// (Android, macOS), else the qr package's decoder on the same frames (iOS Safari, desktop Linux),
// loaded only when the camera starts. Frames go through one canvas, a few times a second.
import { useEffect, useRef, useState } from "preact/hooks";

type Detector = { detect(source: HTMLCanvasElement): Promise<{ rawValue: string }[]> };
type DetectorClass = { new (o: { formats: string[] }): Detector; getSupportedFormats?: () => Promise<readonly string[]> };

async function detector(): Promise<Detector> {
  const native = (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  const formats: readonly string[] = native ? ((await native.getSupportedFormats?.().catch(() => [])) ?? []) : [];
  if (native && formats.includes("qr_code")) return new native({ formats: ["qr_code"] });
  const { BarcodeDetector } = await import("qr/decode.js");
  return new BarcodeDetector({ formats: ["qr_code"] });
}

export type ScanState = "idle" | "starting" | "scanning" | "denied" | "unavailable";
const EVERY_MS = 250;
const MAX_WIDTH = 720;

export function useQrScanner(onCode: (text: string) => void) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<ScanState>("idle");
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef<{ text: string; at: number } | null>(null);
  const handler = useRef(onCode);
  handler.current = onCode;

  const stop = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setState((s) => (s === "scanning" || s === "starting" ? "idle" : s));
  };

  const start = async () => {
    if (!navigator.mediaDevices?.getUserMedia) return setState("unavailable");
    setState("starting");
    try {
      const [media, found] = await Promise.all([navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }), detector()]);
      stream.current = media;
      const v = video.current!;
      v.srcObject = media;
      await v.play();
      setState("scanning");
      const canvas = document.createElement("canvas");
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      const tick = async () => {
        if (!stream.current) return;
        if (v.videoWidth) {
          const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
          canvas.width = Math.round(v.videoWidth * scale);
          canvas.height = Math.round(v.videoHeight * scale);
          ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
          const text = (await found.detect(canvas).catch(() => []))[0]?.rawValue;
          // The same code stays in view for a while: report it once every few seconds at most.
          if (text && (last.current?.text !== text || Date.now() - last.current.at > 4000)) {
            last.current = { text, at: Date.now() };
            handler.current(text);
          }
        }
        timer.current = setTimeout(() => void tick(), EVERY_MS);
      };
      void tick();
    } catch (err) {
      stop();
      setState(err instanceof DOMException && (err.name === "NotAllowedError" || err.name === "SecurityError") ? "denied" : "unavailable");
    }
  };

  useEffect(() => stop, []);
  return { video, state, start, stop };
}
