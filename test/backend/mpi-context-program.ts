// One process of mpi-context.mpi.test.ts: exchanges JSON values with bcastJson and allgatherJson and
// writes what each rank received to OUT_DIR/rank-<rank>.json.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allgatherJson, bcastJson, distributedContext } from '../../src/backend/mpi-context.js';

const ctx = distributedContext();
// a value whose size differs per rank, empty on rank 1, and non-ASCII text
const mine = { rank: ctx.rank, words: Array.from({ length: ctx.rank === 1 ? 0 : ctx.rank + 2 }, (_, i) => `é${i}`) };
const fromRoot = bcastJson(ctx, ctx.rank === 0 ? { root: 'zero', list: [1, 2, 3] } : null);
const fromLast = bcastJson(ctx, ctx.rank === ctx.size - 1 ? 'last' : 'not sent', ctx.size - 1);
const everyone = allgatherJson(ctx, mine);
writeFileSync(join(process.env.OUT_DIR!, `rank-${ctx.rank}.json`), JSON.stringify({ fromRoot, fromLast, everyone }));
