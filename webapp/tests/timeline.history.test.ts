import {decodeJob, decodeRun, decodeStatus} from '../src/api/decode';
import type {Status} from '../src/api/types';
import {
    addRuns,
    addSnapshot,
    emptyHistory,
    keptHistoryMs,
    lastHeldAt,
    mergeServerHistory,
    prune,
    type ServerTimeline,
    type TimelineHistory,
} from '../src/timeline/history';
import {maxLanes, timelineView} from '../src/timeline/lanes';

import {iso, t0, wireJob, wireLock, wireNode, wireStatus} from './fixtures';

// A recorded status history, as the panel polled it every 2 s: node-a holds
// demo "L" (token 7), releases it, node-b takes it (token 8), then node-b's
// heartbeat stops and the store still shows its lease until it runs out.
const nodeA = wireNode('node-a', {self: true});
const nodeB = wireNode('node-b');
const jobLock = (holder: string | null, over: Record<string, unknown> = {}) => wireLock('cron_quick', holder, {kind: 'job', ...over});

function snapshot(at: number, over: Record<string, unknown>): Status {
    return decodeStatus(wireStatus({nodes: [nodeA, nodeB], jobs: [wireJob('quick')], generated_at: iso(at), ...over}));
}

const recorded: Status[] = [
    snapshot(t0, {locks: [wireLock('L', 'node-a', {acquired_at: iso(t0 - 5000), fencing_token: 7}), jobLock('node-b')]}),
    snapshot(t0 + 2000, {locks: [wireLock('L', null), jobLock(null)]}),
    snapshot(t0 + 4000, {locks: [wireLock('L', 'node-b', {acquired_at: iso(t0 + 3000), fencing_token: 8, expires_at: iso(t0 + 33000)}), jobLock(null)]}),
    snapshot(t0 + 6000, {
        nodes: [nodeA, {...nodeB, alive: false, last_seen_at: iso(t0 + 4500)}],
        locks: [wireLock('L', 'node-b', {acquired_at: iso(t0 + 3000), fencing_token: 8, expires_at: iso(t0 + 33000)}), jobLock(null)],
    }),
    snapshot(t0 + 8000, {
        nodes: [nodeA, {...nodeB, alive: false, last_seen_at: iso(t0 + 4500)}],
        locks: [wireLock('L', 'node-b', {acquired_at: iso(t0 + 3000), fencing_token: 8, expires_at: iso(t0 + 33000)}), jobLock(null)],
    }),
];

const replay = (statuses: Status[], from: TimelineHistory = emptyHistory) => statuses.reduce((h, s) => addSnapshot(h, s), from);
const holdsOf = (h: TimelineHistory, lock: string) => h.holds.filter((x) => x.lock === lock);

describe('timeline history from status snapshots', () => {
    it('starts a bar at the lease acquired_at, not at the snapshot that showed it', () => {
        const h = replay(recorded.slice(0, 1));
        expect(holdsOf(h, 'L')).toEqual([{lock: 'L', node: 'node-a', from: t0 - 5000, to: null, fencingToken: 7, endedBy: null}]);
    });

    it('gives release then take on another node two bars, for two nodes', () => {
        const h = replay(recorded.slice(0, 3));
        expect(holdsOf(h, 'L')).toEqual([
            // Ended at the first snapshot that showed it free.
            {lock: 'L', node: 'node-a', from: t0 - 5000, to: t0 + 2000, fencingToken: 7, endedBy: 'released'},
            {lock: 'L', node: 'node-b', from: t0 + 3000, to: null, fencingToken: 8, endedBy: null},
        ]);
    });

    it('ends a bar at the new hold\'s start when the lock moved between two snapshots', () => {
        const moved = snapshot(t0 + 2000, {locks: [wireLock('L', 'node-b', {acquired_at: iso(t0 + 1000), fencing_token: 8})]});
        const h = replay([recorded[0], moved]);
        expect(holdsOf(h, 'L').map((x) => [x.node, x.from, x.to, x.endedBy])).toEqual([
            ['node-a', t0 - 5000, t0 + 1000, 'taken'],
            ['node-b', t0 + 1000, null, null],
        ]);
    });

    it('ends the holds of a node seen dead at its last heartbeat, marks its death, and does not reopen them', () => {
        const h = replay(recorded);
        expect(h.events.filter((e) => e.kind === 'gone')).toEqual([{node: 'node-b', name: 'node-b-name', at: t0 + 4500, kind: 'gone'}]);
        // The store still shows node-b's lease in the last two snapshots.
        expect(holdsOf(h, 'L')[1]).toMatchObject({node: 'node-b', from: t0 + 3000, to: t0 + 4500, endedBy: 'node gone'});
        expect(holdsOf(h, 'L')).toHaveLength(2);
    });

    it('marks a node that vanishes from the list as gone, and ends its bars', () => {
        const vanished = snapshot(t0 + 6000, {nodes: [nodeA], locks: []});
        const h = replay([...recorded.slice(0, 3), vanished]);
        expect(h.events.filter((e) => e.kind === 'gone')).toEqual([{node: 'node-b', name: 'node-b-name', at: t0 + 6000, kind: 'gone'}]);
        expect(holdsOf(h, 'L')[1]).toMatchObject({to: t0 + 6000, endedBy: 'node gone'});
    });

    it('marks joins and restarts', () => {
        const nodeC = wireNode('node-c', {started_at: iso(t0 + 1000)});
        const restarted = {...nodeB, started_at: iso(t0 + 3500)};
        const h = replay([
            snapshot(t0, {locks: []}),
            snapshot(t0 + 2000, {nodes: [nodeA, nodeB, nodeC], locks: []}),
            snapshot(t0 + 4000, {nodes: [nodeA, restarted, nodeC], locks: []}),
        ]);
        expect(h.events.filter((e) => e.at >= t0).map((e) => [e.node, e.kind, e.at])).toEqual([
            ['node-c', 'joined', t0 + 1000],
            ['node-b', 'restarted', t0 + 3500],
        ]);
    });

    it('keeps a bar for a lock missing from a partial list until its lease runs out', () => {
        const h1 = replay([recorded[2], snapshot(t0 + 6000, {locks: []})]);
        expect(holdsOf(h1, 'L')[0].to).toBeNull();
    });

    it('forgets what ended before the kept span', () => {
        const h = replay(recorded.slice(0, 3));
        const later = prune(h, t0 + 2000 + keptHistoryMs + 1);
        expect(holdsOf(later, 'L').map((x) => x.node)).toEqual(['node-b']);
    });

    it('knows when each lock was last held', () => {
        const h = replay(recorded.slice(0, 2));
        expect(lastHeldAt(h).get('L')).toBe(t0 + 2000);
    });
});

describe('timeline history from job runs', () => {
    const runs = [
        {node: 'node-a-name', started_at: iso(t0 - 9000), duration_ms: 100, error: null},
        {node: 'node-b-name', started_at: iso(t0 - 7000), duration_ms: 200, error: 'boom'},
        {node: 'node-a-name', started_at: iso(t0 - 5000), duration_ms: 300, error: 'run on node-a started 2026-01-02T03:04:00Z was lost: its lease lapsed before it finished'},
        {node: 'node-b-name', started_at: iso(t0 - 1000), duration_ms: null, error: null},
    ].map(decodeRun);

    it('marks each run with its node and outcome: ok, failed, lost, running', () => {
        const h = addRuns(emptyHistory, 'quick', runs);
        expect(h.runs.map((r) => [r.node, r.outcome, r.endedAt])).toEqual([
            ['node-a-name', 'ok', t0 - 8900],
            ['node-b-name', 'failed', t0 - 6800],
            ['node-a-name', 'lost', t0 - 4700],
            ['node-b-name', 'running', null],
        ]);
    });

    it('updates a run seen again (the running one finished) instead of adding it twice', () => {
        const finished = decodeRun({node: 'node-b-name', started_at: iso(t0 - 1000), duration_ms: 400, error: null});
        const h = addRuns(addRuns(emptyHistory, 'quick', runs), 'quick', [finished]);
        expect(h.runs).toHaveLength(4);
        expect(h.runs[3]).toMatchObject({outcome: 'ok', endedAt: t0 - 600});
    });
});

describe('timeline history kept by the server', () => {
    const server: ServerTimeline = {
        from: iso(t0 - 60000),
        to: iso(t0),
        holds: [
            {lock: 'L', node: 'node-a', from: iso(t0 - 5000), to: iso(t0 + 1500), fencing_token: 7, ended_by: 'released'},
            {lock: 'early', node: 'node-b', from: iso(t0 - 50000), to: iso(t0 - 40000), fencing_token: 3},
        ],
        runs: [{job: 'quick', node: 'node-b', started_at: iso(t0 - 30000), duration_ms: 50, outcome: 'failed', error: 'boom'}],
        node_events: [{node: 'node-b', name: 'node-b-name', at: iso(t0 + 4000), kind: 'gone'}],
    };

    it('takes what happened before the panel opened, and the server\'s exact ends over the panel\'s', () => {
        const h = mergeServerHistory(replay(recorded.slice(0, 2)), server);
        expect(holdsOf(h, 'L')).toEqual([{lock: 'L', node: 'node-a', from: t0 - 5000, to: t0 + 1500, fencingToken: 7, endedBy: 'released'}]);
        expect(holdsOf(h, 'early')).toHaveLength(1);
        expect(h.runs).toEqual([{job: 'quick', node: 'node-b', startedAt: t0 - 30000, endedAt: t0 - 29950, outcome: 'failed', error: 'boom'}]);
    });

    it('counts a node event the panel saw too once, at the server\'s time', () => {
        const h = mergeServerHistory(replay(recorded), server);
        expect(h.events.filter((e) => e.kind === 'gone').map((e) => e.at)).toEqual([t0 + 4000]);
    });

    it('skips malformed entries and tolerates no history at all', () => {
        const before = replay(recorded.slice(0, 1));
        const h = mergeServerHistory(before, {holds: [{lock: 'x'}, null, 'y'], runs: [{job: 'q', node: 'n', started_at: iso(t0), outcome: 'exploded'}], node_events: 7});
        expect(h.holds).toEqual(before.holds);
        expect(h.runs).toEqual([]);
        expect(mergeServerHistory(before, null)).toBe(before);
    });
});

describe('timeline lanes', () => {
    it('gives each job a lane with its lock\'s holds and its runs, then held locks, then locks freed in the span', () => {
        const job = decodeJob(wireJob('quick'));
        const freedEarlier = [
            snapshot(t0 - 4000, {locks: [wireLock('freed', 'node-a', {acquired_at: iso(t0 - 6000)})]}),
            snapshot(t0 - 2000, {locks: [wireLock('freed', null)]}),
        ];
        let h = replay([...freedEarlier, ...recorded.slice(0, 3)]);
        h = addRuns(h, 'quick', [decodeRun({node: 'node-b-name', started_at: iso(t0 - 1000), duration_ms: 100, error: null})]);
        const view = timelineView(h, [job], recorded[2].locks, t0 + 4000);
        expect(view.lanes.map((l) => [l.label, l.lock, l.heldNow, l.holds.length, l.runs.length])).toEqual([
            ['job quick', 'cron_quick', false, 1, 1],
            ['lock L', 'L', true, 2, 0],
            ['lock freed', 'freed', false, 1, 0],
        ]);
    });

    it(`draws at most ${maxLanes} lanes and counts the rest`, () => {
        const many = Array.from({length: maxLanes + 5}, (_, i) => wireLock(`l${i}`, 'node-a', {fencing_token: i}));
        const s = snapshot(t0, {locks: many, jobs: []});
        const view = timelineView(replay([s]), [], s.locks, t0);
        expect(view.lanes).toHaveLength(maxLanes);
        expect(view.hiddenLanes).toBe(5);
    });
});
