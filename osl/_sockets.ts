import { readdirSync, readFileSync, readlinkSync } from "node:fs";

// Who holds a listening TCP port, from Linux's /proc: /proc/net/tcp{,6} name the socket
// inodes listening on a port, /proc/<pid>/fd links name the inodes a process holds.

const LISTEN = "0A";

/**
 * Inodes of the TCP sockets (IPv4 and IPv6) listening on `port`; undefined when /proc
 * cannot tell (not Linux).
 */
export function listeningInodes(port: number): Set<number> | undefined {
  const inodes = new Set<number>();
  let readable = false;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
      readable = true;
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      if (parseInt(fields[1].slice(fields[1].lastIndexOf(":") + 1), 16) === port) inodes.add(Number(fields[9]));
    }
  }
  return readable ? inodes : undefined;
}

/** True when `pid` holds one of `inodes` open. */
export function holdsSocket(pid: number, inodes: Set<number>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("socket:[") && inodes.has(Number(target.slice(8, -1)))) return true;
    } catch { /* closed meanwhile */ }
  }
  return false;
}

/** The pid that holds one of `inodes`, among the processes this user can see; undefined if none is visible. */
export function socketOwner(inodes: Set<number>): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (/^\d+$/.test(name) && holdsSocket(Number(name), inodes)) return Number(name);
  }
  return undefined;
}
