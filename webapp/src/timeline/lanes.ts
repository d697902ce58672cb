import type {Job, Lock} from '../api/types';

import type {Hold, NodeEvent, RunMark, TimelineHistory} from './history';

// What the timeline draws: one lane per job (its lock's holds and its runs)
// and one per lock that is held now or was held in the window, held ones
// first. A long lock list is cut to maxLanes lanes; the rest are counted.

export const timelineWindowMs = 5 * 60 * 1000;
export const maxLanes = 16;

export interface Lane {
    key: string;
    label: string;
    job: string | null;
    lock: string | null;
    heldNow: boolean;
    holds: Hold[];
    runs: RunMark[];
}

export interface TimelineView {
    from: number;
    to: number;
    lanes: Lane[];
    hiddenLanes: number;
    events: NodeEvent[];
}

// A job's lock: the one the server names, else the job-kind lock named
// after the job (the scheduler prefixes the job's name).
export function jobLockName(job: Job, locks: readonly Lock[]): string | null {
    if (job.lock !== null) {
        return job.lock;
    }
    return locks.find((l) => l.kind === 'job' && l.name.endsWith(job.name))?.name ?? null;
}

export function timelineView(history: TimelineHistory, jobs: readonly Job[], locks: readonly Lock[], now: number, windowMs = timelineWindowMs): TimelineView {
    const from = now - windowMs;
    const inWindow = (h: Hold) => (h.to ?? now) >= from && h.from <= now;
    const holdsByLock = new Map<string, Hold[]>();
    for (const h of history.holds) {
        if (inWindow(h)) {
            holdsByLock.set(h.lock, [...(holdsByLock.get(h.lock) ?? []), h]);
        }
    }
    const heldNow = new Set(locks.filter((l) => l.held).map((l) => l.name));

    const jobLanes: Lane[] = jobs.map((job) => {
        const lock = jobLockName(job, locks);
        return {
            key: `job:${job.name}`,
            label: `job ${job.name}`,
            job: job.name,
            lock,
            heldNow: lock !== null && heldNow.has(lock),
            holds: lock === null ? [] : (holdsByLock.get(lock) ?? []),
            runs: history.runs.filter((r) => r.job === job.name && (r.endedAt ?? now) >= from),
        };
    });
    const jobLocks = new Set(jobLanes.map((l) => l.lock));

    const lastEnd = (holds: Hold[]) => Math.max(...holds.map((h) => h.to ?? now));
    const lockNames = Array.from(new Set([...heldNow, ...holdsByLock.keys()])).filter((name) => !jobLocks.has(name));
    lockNames.sort((a, b) => {
        if (heldNow.has(a) !== heldNow.has(b)) {
            return heldNow.has(a) ? -1 : 1;
        }
        const ae = lastEnd(holdsByLock.get(a) ?? []);
        const be = lastEnd(holdsByLock.get(b) ?? []);
        if (ae !== be) {
            return be - ae;
        }
        return a < b ? -1 : 1;
    });
    const room = Math.max(0, maxLanes - jobLanes.length);
    const lockLanes: Lane[] = lockNames.slice(0, room).map((name) => ({
        key: `lock:${name}`,
        label: `lock ${name}`,
        job: null,
        lock: name,
        heldNow: heldNow.has(name),
        holds: holdsByLock.get(name) ?? [],
        runs: [],
    }));
    return {
        from,
        to: now,
        lanes: [...jobLanes, ...lockLanes],
        hiddenLanes: Math.max(0, lockNames.length - room),
        events: history.events.filter((e) => e.at >= from && e.at <= now).sort((a, b) => a.at - b.at),
    };
}

export type LaneItem = {kind: 'hold'; at: number; hold: Hold} | {kind: 'run'; at: number; run: RunMark};

// A lane's bars and run marks in time order: the order the keyboard visits them.
export function laneItems(lane: Lane): LaneItem[] {
    const items: LaneItem[] = [
        ...lane.holds.map((hold): LaneItem => ({kind: 'hold', at: hold.from, hold})),
        ...lane.runs.map((run): LaneItem => ({kind: 'run', at: run.startedAt, run})),
    ];
    return items.sort((a, b) => a.at - b.at);
}
