// `make run`: serve HTTP on PORT with the event consumer running in the same process.
import { createApp } from "./app.js";
import { log } from "./log.js";
import { serve } from "./server.js";
import { loadConfigOrExit, stopOnSignal } from "./startup.js";

const config = loadConfigOrExit();
const app = await createApp(config);
const server = await serve(app, config.port);
log.info("listening", { port: server.port });
stopOnSignal(async () => {
  await server.close();
  await app.close();
});
