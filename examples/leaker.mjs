// A worker whose memory grows by $STEP_MB MB (default 8) every 200 ms, until a limit stops it.
const chunks = [];
const step = Number(process.env.STEP_MB ?? 8) * 1024 * 1024;
setInterval(() => chunks.push(Buffer.alloc(step, 1)), 200);
process.on("SIGTERM", () => process.exit(0));
