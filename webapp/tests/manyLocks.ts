import {iso, t0, wireLock} from './fixtures';

export const lockCount = 1000;

// A thousand locks: every tenth held, by node-a, node-b and node-c in turn
// (so 34 / 33 / 33), every fiftieth a job lock; names padded so the name
// order is the index order.
export function thousandLocks() {
    const holders = ['node-a', 'node-b', 'node-c'];
    return Array.from({length: lockCount}, (_, i) => {
        const name = `lock-${String(i).padStart(4, '0')}`;
        const holder = i % 10 === 0 ? holders[(i / 10) % 3] : null;
        return wireLock(name, holder, {
            kind: i % 50 === 0 ? 'job' : 'demo',
            ...(holder ? {acquired_at: iso(t0 - 100000 + i)} : {}),
        });
    });
}

