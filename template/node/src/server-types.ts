/** A running HTTP server, whatever the framework (server.ts). */
export type Server = {
  port: number;
  /** Stop accepting, finish the requests in flight. */
  close(): Promise<void>;
};
