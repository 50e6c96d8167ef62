// What every entry point does first (configuration or one line and exit) and last
// (a clean stop on SIGTERM/SIGINT).
import { type Config, ConfigError, loadConfig } from "./config.js";
import { log, logFlushed } from "./log.js";

const STOP_TIMEOUT_MS = 8000;

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(2);
  }
}

/** Run `stop` once on the first SIGTERM or SIGINT, then exit 0 once stdout has every log
 * line (forced after 8 s). */
export function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    setTimeout(() => {
      log.warn("stop timed out; exiting with connections still open");
      process.exit(0);
    }, STOP_TIMEOUT_MS).unref();
    stop()
      .then(
        () => 0,
        (error: unknown) => {
          log.error("error while stopping", { error });
          return 1;
        },
      )
      .then(async (code) => {
        await logFlushed();
        process.exit(code);
      });
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
