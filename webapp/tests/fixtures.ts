// Wire-format JSON as the server sends it (the route table in server/httpapi), for tests.

export const t0 = Date.parse('2026-01-02T03:04:05.000Z');

export function iso(ms: number): string {
    return new Date(ms).toISOString();
}

export function wireNode(id: string, over: Record<string, unknown> = {}) {
    return {
        id,
        name: `${id}-name`,
        started_at: iso(t0 - 3600000),
        last_seen_at: iso(t0 - 2000),
        alive: true,
        self: false,
        version: '0.1.0',
        ...over,
    };
}

export function wireLock(name: string, holder: string | null, over: Record<string, unknown> = {}) {
    return {
        name,
        held: holder !== null,
        holder_id: holder,
        holder_name: holder === null ? null : `${holder}-name`,
        acquired_at: holder === null ? null : iso(t0 - 5000),
        expires_at: holder === null ? null : iso(t0 + 15000),
        fencing_token: holder === null ? null : 7,
        kind: 'demo',
        ...over,
    };
}

export function wireJob(name: string, over: Record<string, unknown> = {}) {
    return {
        name,
        interval_ms: 10000,
        running: false,
        running_on: null,
        last_started_at: iso(t0 - 4000),
        last_finished_at: iso(t0 - 3900),
        last_node: 'node-b',
        last_duration_ms: 100,
        last_error: null,
        runs: 3,
        next_run_at: iso(t0 + 6000),
        ...over,
    };
}

export function wireStatus(over: Record<string, unknown> = {}) {
    const self = wireNode('node-a', {self: true});
    return {
        node: self,
        nodes: [self, wireNode('node-b')],
        locks: [wireLock('demo-1', 'node-b'), wireLock('idle', null)],
        jobs: [wireJob('quick')],
        generated_at: iso(t0),
        ...over,
    };
}

export const emptyStatus = () => wireStatus({nodes: [wireNode('node-a', {self: true})], locks: [], jobs: []});
