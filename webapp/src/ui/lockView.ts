import type {Lock, LockKind} from '../api/types';

import type {NodeDirectory} from './nodeColors';

// What the locks table shows of a long list: a filter, an order and a page.
// Pure, so a thousand locks are sorted and counted once per status, and the
// table renders one page of rows.

export const lockPageSize = 50;

// Holder filter values besides a node key.
export const anyHolder = '';
export const freeHolder = '\u0000free';

export interface LockFilter {
    name: string;
    holder: string; // anyHolder, freeHolder or a node key
    kind: LockKind | '';
}

export const noFilter: LockFilter = {name: '', holder: anyHolder, kind: ''};

export function holderKey(lock: Lock, nodes: NodeDirectory): string | null {
    if (!lock.held) {
        return null;
    }
    return nodes.resolve(lock.holderId ?? lock.holderName)?.key ?? null;
}

export function matches(lock: Lock, filter: LockFilter, nodes: NodeDirectory): boolean {
    if (filter.kind !== '' && lock.kind !== filter.kind) {
        return false;
    }
    if (filter.name !== '' && !lock.name.toLowerCase().includes(filter.name.trim().toLowerCase())) {
        return false;
    }
    if (filter.holder === freeHolder) {
        return !lock.held;
    }
    return filter.holder === anyHolder || holderKey(lock, nodes) === filter.holder;
}

// Held locks first, newest holder first; then free locks the panel saw held,
// most recently freed first (a lock just released stays in sight), then the
// rest by name.
export function orderLocks(locks: readonly Lock[], lastHeldAt: ReadonlyMap<string, number>): Lock[] {
    return [...locks].sort((a, b) => {
        if (a.held !== b.held) {
            return a.held ? -1 : 1;
        }
        const at = a.held ? (a.acquiredAt ?? 0) : (lastHeldAt.get(a.name) ?? 0);
        const bt = b.held ? (b.acquiredAt ?? 0) : (lastHeldAt.get(b.name) ?? 0);
        if (at !== bt) {
            return bt - at;
        }
        if (a.name === b.name) {
            return 0;
        }
        return a.name < b.name ? -1 : 1;
    });
}

export interface Page<T> {
    items: T[];
    page: number; // 0-based, clamped into range
    pages: number;
    first: number; // 1-based index of the first item shown, 0 when none
    last: number;
    total: number;
}

export function pageOf<T>(items: readonly T[], page: number, size: number = lockPageSize): Page<T> {
    const pages = Math.max(1, Math.ceil(items.length / size));
    const p = Math.min(Math.max(0, page), pages - 1);
    const start = p * size;
    const shown = items.slice(start, start + size);
    return {
        items: shown,
        page: p,
        pages,
        first: shown.length === 0 ? 0 : start + 1,
        last: start + shown.length,
        total: items.length,
    };
}

// How many locks each node holds now, by node key.
export function heldCounts(locks: readonly Lock[], nodes: NodeDirectory): Map<string, number> {
    const counts = new Map<string, number>();
    for (const lock of locks) {
        const key = holderKey(lock, nodes);
        if (key !== null) {
            counts.set(key, (counts.get(key) ?? 0) + 1);
        }
    }
    return counts;
}
