// Bare Fastify serving GET /health on $PORT, for `stackwise bench`'s ratio.
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.get("/health", async () => ({ status: "ok" }));
await app.listen({ port: Number(process.env.PORT), host: "0.0.0.0" });
