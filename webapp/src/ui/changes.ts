import type {Status} from '../api/types';

import type {NodeDirectory} from './nodeColors';

// What changed between two statuses, in words for the aria-live region.
// Only changes an admin watches for are told: a lock taken, moved or freed,
// a node gone or back, a job run that failed. Routine job runs every few
// seconds would drown everything else out.
export function describeChanges(prev: Status | null, next: Status, nodes: NodeDirectory): string[] {
    if (prev === null) {
        return [];
    }
    const said: string[] = [];
    const label = (ref: string | null) => nodes.resolve(ref)?.label ?? 'an unknown node';

    const before = new Map(prev.locks.map((l) => [l.name, l]));
    for (const lock of next.locks) {
        const old = before.get(lock.name);
        const holder = lock.holderId ?? lock.holderName;
        const oldHolder = old?.held ? (old.holderId ?? old.holderName) : null;
        if (lock.held && (!old?.held || oldHolder !== holder)) {
            said.push(`Lock ${lock.name} is now held by ${label(holder)}.`);
        } else if (!lock.held && old?.held) {
            said.push(`Lock ${lock.name} is free.`);
        }
    }

    const wasAlive = new Map(prev.nodes.map((n) => [n.id, n.alive]));
    for (const node of next.nodes) {
        const was = wasAlive.get(node.id);
        if (was === undefined) {
            said.push(`Node ${node.name} joined.`);
        } else if (was && !node.alive) {
            said.push(`Node ${node.name} is gone.`);
        } else if (!was && node.alive) {
            said.push(`Node ${node.name} is back.`);
        }
    }

    const lastRun = new Map(prev.jobs.map((j) => [j.name, j.lastFinishedAt]));
    for (const job of next.jobs) {
        if (job.lastError && job.lastFinishedAt !== lastRun.get(job.name)) {
            said.push(`Job ${job.name} failed on ${label(job.lastNode)}: ${job.lastError}`);
        }
    }
    return said;
}
