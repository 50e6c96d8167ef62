// `make migrate` (and the compose `migrate` service): bring the database schema up to date
// (migrations.ts: the data layer's own tool), then exit. Safe to repeat.
import { upgrade } from "./migrations.js";
import { loadConfigOrExit } from "./startup.js";

await upgrade(loadConfigOrExit());
