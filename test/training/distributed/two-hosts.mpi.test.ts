// Two machines on one host: fit({ distributed: 'mpi' }) with one rank in each of two network namespaces
// joined by a veth pair, launched by mpirun in the first through an ssh stand-in (netns-ssh.sh), over
// TCP only. The weights must match a plain `mpirun -np 2` run, and the gradients must have crossed the
// veth. Skips, saying why, where mpirun, nntrain's MPI addon or network namespaces are missing.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readRanks } from '../../helpers/mpi-cases.js';
import { execMpirun, MPI_SKIP, nodeProgram } from '../../helpers/mpirun.js';
import { ROOT } from '../../helpers/run-script.js';
import { createHostPair, netnsUnavailable, planHostPair, removeHostPair, vethBytes, type HostPair } from './netns.js';

const PROGRAM = 'test/training/distributed/rank-program.ts';
const SSH = join(ROOT, 'test/training/distributed/netns-ssh.sh');
const orted = spawnSync('sh', ['-c', 'command -v orted'], { encoding: 'utf8' }).stdout.trim();
const skip = MPI_SKIP ?? (orted === '' ? 'orted is not on PATH (apt-get install openmpi-bin libopenmpi-dev)' : netnsUnavailable());
if (skip !== null) console.warn(`skipping the two-hosts MPI test: ${skip}`);

// the training settings of both runs; HIDDEN makes the gradient (10,243 floats) dwarf MPI's own messages
const SETTINGS = { HIDDEN: '1024', SHUFFLE: '1', EPOCHS: '3' };

interface RankResult {
  rank: number;
  size: number;
  hash: string;
  params: number[];
  batchesSeen: number;
  host: { addresses: string[]; localSize?: string };
}

const scratch: string[] = [];
let pair: HostPair | undefined;

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-twohosts-'));
  scratch.push(dir);
  return dir;
}

/** Runs rank-program.ts under mpirun (after `prefix`, with `mpirunArgs`; the shared launcher, which gives each job its own session directory) and reads each rank's result. */
async function runJob(prefix: string[], mpirunArgs: string[], env: Record<string, string>): Promise<{ code: number; stderr: string; ranks: RankResult[] }> {
  const out = scratchDir();
  const { code, stderr } = await execMpirun([...mpirunArgs, ...nodeProgram(PROGRAM)], { prefix, oversubscribe: false, env: { ...SETTINGS, OUT_DIR: out, ...env }, timeoutMs: 30_000 });
  return { code, stderr, ranks: readRanks<RankResult>(out) };
}

describe.skipIf(skip !== null)('fit({ distributed: "mpi" }) across two network namespaces (two machines on one host)', () => {
  beforeAll(() => {
    pair = planHostPair();
    createHostPair(pair);
  });

  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    if (pair) expect(removeHostPair(pair), 'network namespaces left behind').toEqual([]);
  });

  it('one rank per namespace over TCP through an ssh stand-in: the same weights as one host, the gradients over the veth', async () => {
    const [a, b] = pair!.hosts;
    const log = join(scratchDir(), 'ssh-calls');
    const before = [vethBytes(a), vethBytes(b)];
    const twoHosts = runJob(
      ['ip', 'netns', 'exec', a.ns],
      [
        ...['-np', '2', '-H', `${a.address}:1,${b.address}:1`, '--mca', 'plm_rsh_agent', SSH],
        // TCP between the ranks (ob1 so that the btl list applies), on the veth's subnet only; shared
        // memory would even break here: both "machines" have one host name and one /tmp
        ...['--mca', 'pml', 'ob1', '--mca', 'btl', 'tcp,self'],
        ...['--mca', 'btl_tcp_if_include', pair!.subnet, '--mca', 'oob_tcp_if_include', pair!.subnet],
        // both "machines" share this host's cores: each would bind its rank to core 0
        ...['--bind-to', 'none'],
        // the remote rank gets only what mpirun forwards: the working directory and these variables
        ...['-wdir', ROOT, ...['OUT_DIR', ...Object.keys(SETTINGS)].flatMap((v) => ['-x', v])],
      ],
      {
        NETNS_SSH_HOSTS: `${a.address}=${a.ns} ${b.address}=${b.ns}`,
        NETNS_SSH_PATH: [dirname(process.execPath), dirname(orted), '/usr/bin', '/bin'].join(delimiter),
        NETNS_SSH_LOG: log,
      },
    );
    const oneHost = runJob([], ['--oversubscribe', '-np', '2'], {});
    const [dist, local] = await Promise.all([twoHosts, oneHost]);
    const after = [vethBytes(a), vethBytes(b)];

    expect(dist.code, dist.stderr).toBe(0);
    expect(local.code, local.stderr).toBe(0);
    // mpirun started the second rank through the stand-in, once, in the second namespace
    expect(readFileSync(log, 'utf8')).toBe(`${b.address} ${b.ns}\n`);
    expect(dist.ranks.map((r) => [r.rank, r.size, r.host.addresses, r.host.localSize])).toEqual([
      [0, 2, [a.address], '1'],
      [1, 2, [b.address], '1'],
    ]);
    expect(local.ranks.map((r) => r.host.localSize)).toEqual(['2', '2']);
    expect(dist.ranks[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(dist.ranks[1].hash).toBe(dist.ranks[0].hash);
    // a sum of two gradients is the same in either order, so the transport changes nothing
    expect(local.ranks.map((r) => r.hash)).toEqual([dist.ranks[0].hash, dist.ranks[0].hash]);

    // every step all-reduces the whole float32 gradient: each rank sends and receives at least all of it
    const steps = dist.ranks[0].batchesSeen;
    expect(steps).toBe(3 * 6); // 48 rows per rank, batch 8, 3 epochs
    const parameters = 6 * 1024 + 1024 + 1024 * 3 + 3; // dense 6→1024 and 1024→3, with biases
    expect(dist.ranks[0].params.length).toBeGreaterThanOrEqual(parameters); // the arena pads each tensor to 64 bytes
    const gradientBytes = parameters * Float32Array.BYTES_PER_ELEMENT * steps;
    for (const i of [0, 1]) {
      expect(after[i].tx - before[i].tx, `${pair!.hosts[i].veth} tx bytes`).toBeGreaterThanOrEqual(gradientBytes);
      expect(after[i].rx - before[i].rx, `${pair!.hosts[i].veth} rx bytes`).toBeGreaterThanOrEqual(gradientBytes);
    }
  }, 60_000);
});
