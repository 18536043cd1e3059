/** A process started with the runtime's own API (Bun.spawn or Deno.Command). */
export interface NativeChild {
  pid: number;
  exited: Promise<unknown>;
}

type Runtimes = {
  Bun?: { spawn(cmd: string[], options: object): { pid: number; exited: Promise<number> } };
  Deno?: {
    Command: new (cmd: string, options: object) => { spawn(): { pid: number; status: Promise<unknown> } };
  };
};

/** Spawns `cmd` with the runtime's own API, stdio ignored: the fastest start it offers. */
export function nativeSpawn(cmd: string[]): NativeChild {
  const { Bun, Deno } = globalThis as Runtimes;
  if (Bun !== undefined) {
    const child = Bun.spawn(cmd, { stdio: ["ignore", "ignore", "ignore"] });
    return { pid: child.pid, exited: child.exited };
  }
  if (Deno !== undefined) {
    const child = new Deno.Command(cmd[0], { args: cmd.slice(1), stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
    return { pid: child.pid, exited: child.status };
  }
  throw new Error("No native spawn API on this runtime");
}
