import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { procChildren, type ProcEntry, procEntry, procTable, procTree } from "./_proc.ts";
import { evalArgs } from "./_runtime.ts";

/** SIGTERM first; SIGKILL what is left after this many ms. */
const GRACE_MS = 500;
/** How often the reaper records the descendants of the groups it guards, in ms. */
const SNAPSHOT_MS = 1000;

/**
 * The reaper's program, run as its own process (its source text is sent to `eval`).
 * stdin carries `+ <pid> <startTime>` (guard the group led by pid) and `- <pid>` (the
 * leader exited: kill what is left of its tree, then forget it). When stdin closes,
 * whatever the cause (the runtime exited, crashed or was SIGKILLed), every guarded
 * tree gets SIGTERM (and SIGCONT, so a stopped process can act on it), then SIGKILL
 * after `graceMs`. A process is signalled only if its pid still has the start time
 * seen when it was recorded, so a reused pid is never signalled.
 */
async function reaperMain(graceMs: number, snapshotMs: number): Promise<void> {
  const roots = new Map<number, { startTime: number; known: Map<number, ProcEntry> }>();
  const same = (e: ProcEntry) => procEntry(e.pid)?.startTime === e.startTime;
  /** One read of the process table, indexed, shared by every tree walked at that moment. */
  function snapshot() {
    const table = procTable();
    return { table, byPid: new Map(table.map((e) => [e.pid, e])), children: procChildren(table) };
  }
  /** Records and returns the live tree of `root`: its group, its descendants, those seen before. */
  function treeOf(pid: number, snap: ReturnType<typeof snapshot>): ProcEntry[] {
    const root = roots.get(pid)!;
    const alive = (e: ProcEntry) => snap.byPid.get(e.pid)?.startTime === e.startTime;
    const leader = snap.byPid.get(pid);
    const reused = leader !== undefined && leader.startTime !== root.startTime;
    const starts = [...root.known.values()].filter(alive).map((e) => e.pid);
    if (!reused) starts.push(pid);
    for (const e of procTree(starts, snap.table, snap.children)) root.known.set(e.pid, e);
    for (const [p, e] of root.known) if (!alive(e)) root.known.delete(p);
    return [...root.known.values()];
  }
  function signal(entries: ProcEntry[], sig: string): void {
    for (const e of entries) {
      if (!same(e)) continue;
      try {
        process.kill(e.pid, sig);
      } catch { /* gone meanwhile */ }
    }
  }
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"]) process.on(sig, () => {});
  const timer = setInterval(() => {
    if (roots.size === 0) return;
    const snap = snapshot();
    roots.forEach((_, pid) => treeOf(pid, snap));
  }, snapshotMs);
  let pending = "";
  for await (const chunk of process.stdin) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      const [op, pid, startTime] = line.split(" ").map((w, i) => (i === 0 ? w : Number(w))) as [string, number, number];
      if (op === "+") roots.set(pid, { startTime, known: new Map() });
      else if (op === "-" && roots.has(pid)) {
        // The runtime already killed the group; what may remain are descendants that left
        // it, seen in a snapshot. A process that had none (the common case) costs no scan.
        if ([...roots.get(pid)!.known.keys()].some((p) => p !== pid)) signal(treeOf(pid, snapshot()), "SIGKILL");
        roots.delete(pid);
      }
    }
  }
  clearInterval(timer);
  const snap = snapshot();
  const all = [...roots.keys()].flatMap((pid) => treeOf(pid, snap));
  signal(all, "SIGTERM");
  signal(all, "SIGCONT");
  if (all.some(same)) await new Promise((resolve) => setTimeout(resolve, graceMs));
  signal(all, "SIGKILL");
  process.exit(0);
}

const PROGRAM = [
  'const { readFileSync, readdirSync } = await import("node:fs");',
  'const process = (await import("node:process")).default;',
  procEntry.toString(),
  procTable.toString(),
  procChildren.toString(),
  procTree.toString(),
  `await (${reaperMain.toString()})(${GRACE_MS}, ${SNAPSHOT_MS});`,
].join("\n");

/**
 * The system's orphan reaper: one helper process per actor system, holding a pipe
 * to the runtime. Process actors `guard` the group they start and `release` it when
 * the leader exits; if the runtime dies without releasing them, the reaper kills
 * them (see `reaperMain`). Disposed (pipe closed, nothing left to kill) at the end
 * of the system's shutdown.
 */
export class Reaper implements AsyncDisposable {
  #child: ChildProcess | undefined;
  #guarded = new Map<number, number>();

  /** Guards the tree of `pid` (a group leader started at `startTime`, clock ticks). */
  guard(pid: number, startTime: number): void {
    this.#guarded.set(pid, startTime);
    this.#send(`+ ${pid} ${startTime}\n`);
  }

  /** The leader `pid` exited: the reaper kills what is left of its tree and forgets it. */
  release(pid: number): void {
    if (this.#guarded.delete(pid)) this.#send(`- ${pid}\n`);
  }

  #send(line: string): void {
    if (this.#child === undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) {
      this.#child = this.#start(); // first use, or the reaper died: start one guarding everything again
      for (const [pid, startTime] of this.#guarded) {
        if (!line.startsWith(`+ ${pid} `)) this.#child.stdin!.write(`+ ${pid} ${startTime}\n`);
      }
    }
    this.#child.stdin!.write(line);
  }

  #start(): ChildProcess {
    const child = spawn(process.execPath, evalArgs(PROGRAM), { stdio: ["pipe", "ignore", "inherit"], detached: true });
    child.unref();
    child.stdin!.on("error", () => {}); // a dead reaper is replaced on the next write
    (child.stdin as unknown as { unref?(): void }).unref?.();
    return child;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.ref(); // keep the event loop alive until it has exited
    child.stdin!.end();
    await exited;
  }
}
