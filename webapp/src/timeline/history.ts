import type {Lock, Node, Run, Status} from '../api/types';

// TimelineHistory: who held each lock, which node ran each job, and when
// nodes came and went, over the last few minutes. Built by pure functions
// from three sources, so each can be tested from recorded data:
//
// 1. The status snapshots the panel polls (addSnapshot). A held lock's
//    acquired_at gives the exact start of its bar; the bar ends when the lock
//    is seen free, held by another node, or held under another fencing token
//    (at the start of the new hold, else at the snapshot that showed it: an
//    end is then known to within one poll), or when its holder is seen gone
//    (at the holder's last heartbeat).
// 2. The job run histories the panel fetches (addRuns): start, duration,
//    node and outcome of each run.
// 3. A history the server keeps (mergeServerHistory, not sent yet): what
//    happened while no panel was open. Its wire shape is ServerTimeline
//    below, sent as `timeline` in GET /status; the server's records win over
//    what the panel pieced together for the same hold, run or node event.
//
// Everything older than the kept span is dropped, so memory stays bounded by
// what happened in the window, not by how long the panel stays open.

// How much history the panel keeps (the timeline shows the last few minutes).
export const keptHistoryMs = 10 * 60 * 1000;

export type HoldEnd = 'released' | 'taken' | 'node gone' | 'expired';

export interface Hold {
    lock: string;

    // The holder as the API names it (node id, else name).
    node: string;
    from: number;

    // Null while the hold goes on.
    to: number | null;
    fencingToken: number | null;
    endedBy: HoldEnd | null;
}

export type RunOutcome = 'ok' | 'failed' | 'lost' | 'running';

export interface RunMark {
    job: string;
    node: string;
    startedAt: number;
    endedAt: number | null;
    outcome: RunOutcome;
    error: string | null;
}

export type NodeEventKind = 'joined' | 'gone' | 'restarted';

export interface NodeEvent {
    node: string; // node id
    name: string;
    at: number;
    kind: NodeEventKind;
}

interface NodeSeen {
    name: string;
    alive: boolean;
    startedAt: number | null;
}

export interface TimelineHistory {
    holds: readonly Hold[];
    runs: readonly RunMark[];
    events: readonly NodeEvent[];

    // The last snapshot's view of the nodes, to see joins, deaths and restarts.
    nodes: ReadonlyMap<string, NodeSeen>;

    // When the last snapshot was taken; null before the first.
    seenAt: number | null;
}

export const emptyHistory: TimelineHistory = {holds: [], runs: [], events: [], nodes: new Map(), seenAt: null};

// The wire shape of a server-kept history (times RFC 3339, as elsewhere in
// the API). Every field of an entry but the ones marked optional is needed
// for the entry to be used; an entry missing one is skipped.
export interface ServerTimeline {
    // The span the server's records cover.
    from: string;
    to: string;
    holds: Array<{
        lock: string;
        node: string; // holder node id
        from: string;
        to?: string | null; // absent or null: still held
        fencing_token?: number | null;
        ended_by?: HoldEnd | null;
    }>;
    runs: Array<{
        job: string;
        node: string;
        started_at: string;
        duration_ms?: number | null; // absent or null: still running
        outcome: RunOutcome;
        error?: string | null;
    }>;
    node_events: Array<{
        node: string;
        name?: string;
        at: string;
        kind: NodeEventKind;
    }>;
}

const holdKey = (h: Hold) => `${h.lock}\u0000${h.fencingToken ?? `@${h.from}`}`;
const runKey = (r: RunMark) => `${r.job}\u0000${r.startedAt}`;

// Node events match when they are the same kind for the same node within a
// poll's distance of each other (the panel sees them a poll late).
const sameEventWithinMs = 5000;

function isOpen(h: Hold): boolean {
    return h.to === null;
}

function closeHold(h: Hold, at: number, endedBy: HoldEnd): Hold {
    return {...h, to: Math.max(h.from, at), endedBy};
}

function holdsOfNode(h: Hold, node: {id: string; name: string}): boolean {
    return h.node === node.id || h.node === node.name;
}

function lockHolder(lock: Lock): string | null {
    return lock.held ? (lock.holderId ?? lock.holderName) : null;
}

function nodeEvents(prev: ReadonlyMap<string, NodeSeen>, nodes: readonly Node[], at: number, first: boolean): NodeEvent[] {
    const events: NodeEvent[] = [];
    const listed = new Set<string>();
    for (const node of nodes) {
        listed.add(node.id);
        const was = prev.get(node.id);
        if (was === undefined) {
            if (node.alive) {
                events.push({node: node.id, name: node.name, at: node.startedAt ?? at, kind: 'joined'});
            } else if (!first) {
                events.push({node: node.id, name: node.name, at: node.lastSeenAt ?? at, kind: 'gone'});
            }
        } else if (was.alive && !node.alive) {
            events.push({node: node.id, name: node.name, at: node.lastSeenAt ?? at, kind: 'gone'});
        } else if (node.alive && (!was.alive || (node.startedAt !== null && was.startedAt !== null && node.startedAt !== was.startedAt))) {
            events.push({node: node.id, name: node.name, at: node.startedAt ?? at, kind: 'restarted'});
        }
    }
    for (const [id, was] of prev) {
        if (!listed.has(id) && was.alive) {
            events.push({node: id, name: was.name, at, kind: 'gone'});
        }
    }
    return events;
}

// Folds one status snapshot into the history. at: when the status was made
// (its generated_at), on the server's clock like every time in it.
export function addSnapshot(history: TimelineHistory, status: Status, at: number = status.generatedAt ?? Date.now()): TimelineHistory {
    const first = history.seenAt === null;
    const events = nodeEvents(history.nodes, status.nodes, at, first);
    let holds = history.holds.slice();

    // A gone node's holds end at its death.
    for (const ev of events) {
        if (ev.kind !== 'gone') {
            continue;
        }
        holds = holds.map((h) => (isOpen(h) && holdsOfNode(h, {id: ev.node, name: ev.name}) ? closeHold(h, ev.at, 'node gone') : h));
    }

    // Each lock's latest hold, open or not.
    const latestByLock = new Map<string, number>();
    holds.forEach((h, i) => latestByLock.set(h.lock, i));
    const listed = new Set<string>();
    for (const lock of status.locks) {
        listed.add(lock.name);
        const i = latestByLock.get(lock.name);
        const latest = i === undefined ? null : holds[i];
        const open = latest !== null && isOpen(latest) ? latest : null;
        const holder = lockHolder(lock);
        if (holder === null) {
            if (open && i !== undefined) {
                holds[i] = closeHold(open, at, 'released');
            }
            continue;
        }
        // The same hold as before; or one already ended because its node is
        // gone, whose lease the store still shows until it runs out.
        if (latest && latest.node === holder && latest.fencingToken === lock.fencingToken && (open !== null || latest.endedBy === 'node gone')) {
            continue;
        }
        const from = lock.acquiredAt ?? at;
        if (open && i !== undefined) {
            holds[i] = closeHold(open, from, 'taken');
        }
        holds.push({lock: lock.name, node: holder, from, to: null, fencingToken: lock.fencingToken, endedBy: null});
    }

    // A lock missing from the answer (a partial list) is not known free;
    // only a lease that has run out ends its bar.
    const expiries = new Map(status.locks.map((l) => [l.name, l.expiresAt]));
    holds = holds.map((h) => {
        if (!isOpen(h) || listed.has(h.lock)) {
            return h;
        }
        const expires = expiries.get(h.lock) ?? null;
        return expires !== null && expires <= at ? closeHold(h, expires, 'expired') : h;
    });

    const nodes = new Map<string, NodeSeen>();
    for (const node of status.nodes) {
        nodes.set(node.id, {name: node.name, alive: node.alive, startedAt: node.startedAt});
    }
    return prune({
        holds,
        runs: history.runs,
        events: [...history.events, ...events],
        nodes,
        seenAt: at,
    }, at);
}

const lostMarker = /\blost\b/i;

export function runOutcome(run: Run): RunOutcome {
    if (run.error) {
        // The scheduler records a run whose lease lapsed before it finished
        // as an error saying it "was lost"; the run history has no other flag.
        return lostMarker.test(run.error) ? 'lost' : 'failed';
    }
    return run.durationMs === null ? 'running' : 'ok';
}

// Folds a job's run history (as GET /jobs/{name} lists it) into the history.
export function addRuns(history: TimelineHistory, job: string, runs: readonly Run[]): TimelineHistory {
    const marks = new Map(history.runs.map((r) => [runKey(r), r]));
    for (const run of runs) {
        if (run.startedAt === null) {
            continue;
        }
        const mark: RunMark = {
            job,
            node: run.node,
            startedAt: run.startedAt,
            endedAt: run.durationMs === null ? null : run.startedAt + run.durationMs,
            outcome: runOutcome(run),
            error: run.error,
        };
        marks.set(runKey(mark), mark);
    }
    return {...history, runs: Array.from(marks.values())};
}

function time(value: unknown): number | null {
    if (typeof value !== 'string') {
        return null;
    }
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
}

const holdEnds: readonly HoldEnd[] = ['released', 'taken', 'node gone', 'expired'];
const outcomes: readonly RunOutcome[] = ['ok', 'failed', 'lost', 'running'];
const eventKinds: readonly NodeEventKind[] = ['joined', 'gone', 'restarted'];

function list(value: unknown): Array<Record<string, unknown>> {
    return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

// Merges a server-kept history. Unknown or malformed entries are skipped (the
// panel's own history still stands), so a server sending more is harmless.
export function mergeServerHistory(history: TimelineHistory, wire: unknown): TimelineHistory {
    if (typeof wire !== 'object' || wire === null) {
        return history;
    }
    const w = wire as Record<string, unknown>;
    const holds = new Map(history.holds.map((h) => [holdKey(h), h]));
    for (const o of list(w.holds)) {
        const from = time(o.from);
        if (typeof o.lock !== 'string' || typeof o.node !== 'string' || from === null) {
            continue;
        }
        const to = time(o.to);
        const token = typeof o.fencing_token === 'number' ? o.fencing_token : null;
        const endedBy = holdEnds.find((e) => e === o.ended_by) ?? (to === null ? null : 'released');
        const hold: Hold = {lock: o.lock, node: o.node, from, to, fencingToken: token, endedBy};
        holds.set(holdKey(hold), hold);
    }
    const runs = new Map(history.runs.map((r) => [runKey(r), r]));
    for (const o of list(w.runs)) {
        const startedAt = time(o.started_at);
        const outcome = outcomes.find((x) => x === o.outcome);
        if (typeof o.job !== 'string' || typeof o.node !== 'string' || startedAt === null || outcome === undefined) {
            continue;
        }
        const duration = typeof o.duration_ms === 'number' ? o.duration_ms : null;
        const mark: RunMark = {
            job: o.job,
            node: o.node,
            startedAt,
            endedAt: duration === null ? null : startedAt + duration,
            outcome,
            error: typeof o.error === 'string' ? o.error : null,
        };
        runs.set(runKey(mark), mark);
    }
    const events = history.events.slice();
    for (const o of list(w.node_events)) {
        const at = time(o.at);
        const kind = eventKinds.find((k) => k === o.kind);
        if (typeof o.node !== 'string' || at === null || kind === undefined) {
            continue;
        }
        const ev: NodeEvent = {node: o.node, name: typeof o.name === 'string' ? o.name : o.node, at, kind};
        const same = events.findIndex((e) => e.node === ev.node && e.kind === ev.kind && Math.abs(e.at - ev.at) <= sameEventWithinMs);
        if (same >= 0) {
            events[same] = ev;
        } else {
            events.push(ev);
        }
    }
    const merged = {...history, holds: Array.from(holds.values()), runs: Array.from(runs.values()), events};
    return history.seenAt === null ? merged : prune(merged, history.seenAt);
}

// Drops what ended before the kept span.
export function prune(history: TimelineHistory, now: number): TimelineHistory {
    const since = now - keptHistoryMs;
    return {
        ...history,
        holds: history.holds.filter((h) => h.to === null || h.to >= since),
        runs: history.runs.filter((r) => (r.endedAt ?? r.startedAt) >= since || r.endedAt === null),
        events: history.events.filter((e) => e.at >= since),
    };
}

// When each lock was last seen held: now for held ones, else its last hold's end.
export function lastHeldAt(history: TimelineHistory): Map<string, number> {
    const at = new Map<string, number>();
    for (const h of history.holds) {
        const end = h.to ?? history.seenAt ?? h.from;
        if (end > (at.get(h.lock) ?? Number.NEGATIVE_INFINITY)) {
            at.set(h.lock, end);
        }
    }
    return at;
}
