// A tiny HTTP daemon: binds $PORT after a short warm-up, answers every request.
import { createServer } from "node:http";
const port = Number(process.env.PORT ?? 8787);
setTimeout(() => {
  createServer((_req, res) => res.end(`hello from pid ${process.pid}\n`)).listen(port, "127.0.0.1");
}, 300);
process.on("SIGTERM", () => process.exit(0));
