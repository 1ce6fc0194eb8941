// Two "machines" on one host for two-hosts.mpi.test.ts: two network namespaces joined by a veth pair, each
// with `lo` up and one address on a private /24. Needs root (CAP_NET_ADMIN) and iproute2's `ip`.
// Names carry the test's pid, so parallel runs never collide, and a run killed before its cleanup is
// swept by the next one (its pid is gone).

import { spawnSync } from 'node:child_process';

export interface NetnsHost {
  ns: string;
  veth: string;
  address: string;
}

export interface HostPair {
  /** e.g. 10.213.57.0/24 */
  subnet: string;
  hosts: [NetnsHost, NetnsHost];
}

const PREFIX = 'nntrain-twohosts-';

function ip(args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '') + (r.error ? r.error.message : '') };
}

function must(args: string[]): string {
  const r = ip(args);
  if (!r.ok) throw new Error(`ip ${args.join(' ')} failed: ${r.err.trim()}`);
  return r.out;
}

/**
 * Why namespaces cannot be made here, or null when they can: tries to create one, run a command in it
 * and delete it, which is what the test needs (not root, no CAP_NET_ADMIN, no `ip`, unshare forbidden).
 */
export function netnsUnavailable(): string | null {
  const probe = `${PREFIX}${process.pid}-probe`;
  const add = ip(['netns', 'add', probe]);
  if (!add.ok) return `cannot create a network namespace (ip netns add: ${add.err.trim() || 'failed'}; needs root or CAP_NET_ADMIN and iproute2)`;
  const exec = ip(['netns', 'exec', probe, 'ip', 'link', 'set', 'lo', 'up']);
  const del = ip(['netns', 'del', probe]);
  if (!exec.ok) return `cannot run a command in a network namespace (ip netns exec: ${exec.err.trim()})`;
  if (!del.ok) return `cannot delete a network namespace (ip netns del: ${del.err.trim()})`;
  return null;
}

/** A free 10.213.x.0/24: no address or route of this host's namespace in it. */
function pickSubnet(): string {
  const taken = must(['-4', '-o', 'addr', 'show']) + must(['-4', 'route', 'show', 'table', 'all']);
  for (let i = 0; i < 200; i++) {
    const octet = 20 + ((process.pid + i) % 200);
    if (!taken.includes(`10.213.${octet}.`)) return `10.213.${octet}.0/24`;
  }
  throw new Error('no free 10.213.x.0/24 subnet on this host');
}

/** The names and addresses of this process's pair; creates nothing. */
export function planHostPair(): HostPair {
  const subnet = pickSubnet();
  const base = subnet.slice(0, subnet.lastIndexOf('.'));
  // interface names have at most 15 characters: 'nnt' + pid (≤ 7 digits) + side
  const host = (side: string, n: number): NetnsHost => ({ ns: `${PREFIX}${process.pid}-${side}`, veth: `nnt${process.pid}${side}`, address: `${base}.${n}` });
  return { subnet, hosts: [host('a', 1), host('b', 2)] };
}

/** Creates the pair; on failure throws naming the command (removeHostPair cleans up what was made). */
export function createHostPair(pair: HostPair): void {
  sweepStale();
  const [a, b] = pair.hosts;
  for (const h of pair.hosts) must(['netns', 'add', h.ns]);
  // both ends are created inside their namespaces: nothing appears in this host's namespace
  must(['link', 'add', a.veth, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.veth, 'netns', b.ns]);
  for (const h of pair.hosts) {
    must(['-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', h.veth]);
    must(['-n', h.ns, 'link', 'set', 'lo', 'up']);
    must(['-n', h.ns, 'link', 'set', h.veth, 'up']);
  }
  // a veth counts as running (IFF_RUNNING: what node's networkInterfaces and MPI's interface lists
  // show) once the kernel's link watch has seen both ends up, which may come a second later; a rank
  // that starts before then sees no address
  const until = Date.now() + 10_000;
  for (const h of pair.hosts) {
    while (must(['netns', 'exec', h.ns, 'cat', `/sys/class/net/${h.veth}/operstate`]).trim() !== 'up') {
      if (Date.now() > until) throw new Error(`${h.veth} in ${h.ns} is not up 10 s after it was set up`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** The veth's byte counters, read inside its namespace (/sys there shows that namespace's devices). */
export function vethBytes(h: NetnsHost): { tx: number; rx: number } {
  const read = (what: string) => Number(must(['netns', 'exec', h.ns, 'cat', `/sys/class/net/${h.veth}/statistics/${what}_bytes`]).trim());
  return { tx: read('tx'), rx: read('rx') };
}

function namespaces(): string[] {
  return ip(['netns', 'list']).out.split('\n').map((line) => line.split(' ')[0]).filter((name) => name.startsWith(PREFIX));
}

function removeNamespace(ns: string, endProcesses: boolean): void {
  // a namespace lives on while a process is in it: end what this test left there (a timed-out job)
  const pids = endProcesses ? ip(['netns', 'pids', ns]).out.split('\n').filter((p) => /^\d+$/.test(p)) : [];
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  ip(['netns', 'del', ns]); // deleting a namespace deletes its end of the veth, and with it the pair
}

/** Removes whatever part of the pair exists (a partial setup too); returns the names still there. */
export function removeHostPair(pair: HostPair): string[] {
  for (const h of pair.hosts) removeNamespace(h.ns, true);
  const left = namespaces();
  return pair.hosts.map((h) => h.ns).filter((ns) => left.includes(ns));
}

/** Unnames the pairs of earlier runs whose process no longer exists (killed before their cleanup). */
function sweepStale(): void {
  for (const ns of namespaces()) {
    const pid = Number(/^nntrain-twohosts-(\d+)-/.exec(ns)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') removeNamespace(ns, false);
    }
  }
}
