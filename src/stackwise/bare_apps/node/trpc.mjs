// Bare tRPC on Fastify (the server the generated tRPC service runs on), serving GET /health
// on $PORT beside a one-procedure router at /trpc, for `stackwise bench`'s ratio.
import { initTRPC } from "@trpc/server";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";

const t = initTRPC.create();
const router = t.router({ ping: t.procedure.query(() => "pong") });

const app = Fastify({ logger: false });
app.get("/health", async () => ({ status: "ok" }));
await app.register(fastifyTRPCPlugin, { prefix: "/trpc", trpcOptions: { router } });
await app.listen({ port: Number(process.env.PORT), host: "0.0.0.0" });
