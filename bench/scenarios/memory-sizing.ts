import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionCodeDirectory } from '../../lib/function-code';
import { importMilliseconds } from '../bundle-import';
import { report } from '../stats';

// Scenario 10: a function's cold start at each Lambda memory size, on this machine. Lambda gives a function CPU in
// proportion to its memory (one vCPU at 1,769 MB), so each size runs its bundle's import under a CFS quota of that
// share (a cgroup v1 `cpu` group; v2's `cpu.max` is the same quota), and the size is chosen from what it measures.
const LAMBDA_MB_PER_VCPU = 1769;
const SIZES_MB = [128, 256, 512, 1024, 1769];
const SPAWNS = 7;
const PERIOD_US = 100_000;
const CGROUP_ROOT = '/sys/fs/cgroup/cpu';
/** The price of a GB-second on arm64 Lambda, for what one cold start costs at each size. */
const GB_SECOND_USD = 0.0000133334;

// one of each kind: the hot path (deliver, fan-out), the gate of every request (authorizer), a route
const FUNCTIONS = ['events/deliver', 'events/fan-out', 'api/authorizer', 'api/create-webhook'] as const;

function quotaGroup(memoryMb: number): string | undefined {
  const group = join(CGROUP_ROOT, `webhooks-bench-${memoryMb}`);
  try {
    if (!existsSync(group)) mkdirSync(group);
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(Math.round((PERIOD_US * memoryMb) / LAMBDA_MB_PER_VCPU)));
    return group;
  } catch {
    return undefined;
  }
}

const groups = SIZES_MB.map((memoryMb) => ({ memoryMb, group: quotaGroup(memoryMb) }));
if (groups.some(({ group }) => !group)) {
  report({ skipped: `no writable cgroup cpu controller at ${CGROUP_ROOT}: sizes cannot be measured on this machine` });
} else {
  const rows = FUNCTIONS.map((entry) => {
    const bundle = join(functionCodeDirectory(entry), 'index.mjs');
    const sizes = groups.map(({ memoryMb, group }) => {
      const init = importMilliseconds(bundle, SPAWNS, group);
      return {
        memoryMb,
        initMs: init,
        initCostMicroUsd: (init.median / 1000) * (memoryMb / 1024) * GB_SECOND_USD * 1e6,
      };
    });
    return { function: entry, sizes };
  });
  for (const { group } of groups) rmdirSync(group!);
  report({ lambdaMbPerVcpu: LAMBDA_MB_PER_VCPU, spawns: SPAWNS, functions: rows });
}
