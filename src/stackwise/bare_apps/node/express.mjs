// Bare Express serving GET /health on $PORT, for `stackwise bench`'s ratio.
import express from "express";

const app = express();
app.disable("x-powered-by");
app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});
app.listen(Number(process.env.PORT));
