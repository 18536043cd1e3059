// A worker that beats every second and, if $CRASH_AFTER_MS is set, crashes (exit 1) after that long.
const crashAfter = Number(process.env.CRASH_AFTER_MS ?? 0);
setInterval(() => {}, 1000);
if (crashAfter > 0) setTimeout(() => process.exit(1), crashAfter);
process.on("SIGTERM", () => process.exit(0));
