import { closeSync, openSync } from "node:fs";

/** How often the process's free file descriptors are probed. */
const PROBE_INTERVAL_MS = 250;

/** Free descriptors needed before listening again, so one closing client does not flap it. */
const RESUME_MARGIN = 16;

/**
 * Watches for the process running out of file descriptors. uWS (20.x) retries a failed
 * `accept` on every turn of the event loop: at the limit the process spins at full CPU and new
 * clients wait in the backlog, unanswered. node:http instead accepts and closes them. Here the
 * listen socket is closed while no descriptor is free (new clients are refused at once) and
 * opened again when some are: `pause` and `resume` do that. Two syscalls per probe.
 */
export function watchDescriptors(handlers: { pause(): void; resume(): void }): { stop(): void } {
  let paused = false;
  const timer = setInterval(() => {
    if (!paused && !canOpen(1)) {
      paused = true;
      handlers.pause();
    } else if (paused && canOpen(RESUME_MARGIN)) {
      paused = false;
      handlers.resume();
    }
  }, PROBE_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Whether `count` more descriptors can be opened now. */
function canOpen(count: number): boolean {
  const opened: number[] = [];
  try {
    for (let i = 0; i < count; i++) opened.push(openSync("/dev/null", "r"));
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Anything else (no /dev/null in a sandbox) says nothing about descriptors.
    return code !== "EMFILE" && code !== "ENFILE";
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}
