import type { Server as HttpServer } from "node:http";

/** A running HTTP server, whatever the framework (server.ts). */
export type Server = {
  port: number;
  /** The Node HTTP server underneath (Socket.IO attaches to it). */
  http: HttpServer;
  /** Stop accepting, finish the requests in flight. */
  close(): Promise<void>;
};
