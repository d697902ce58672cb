import type {DemoActions, Job, Lock, LockKind, Node, PluginSettings, RefusedSetting, Run, SettingValue, Status, StressAcquisitions, StressResult} from './types';

// Decoding the server's JSON. The panel never trusts a shape it did not check:
// a missing required field is a DecodeError (shown like any other failed
// request, last good data kept), and optional fields fall back to null.

export class DecodeError extends Error {
    constructor(what: string) {
        super(`The server's answer was not understood (${what}).`);
        this.name = 'DecodeError';
    }
}

type Obj = Record<string, unknown>;

function object(value: unknown, what: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DecodeError(`${what} is not an object`);
    }
    return value as Obj;
}

function array(value: unknown, what: string): unknown[] {
    if (!Array.isArray(value)) {
        throw new DecodeError(`${what} is not a list`);
    }
    return value;
}

function requiredString(o: Obj, key: string, what: string): string {
    const v = o[key];
    if (typeof v !== 'string') {
        throw new DecodeError(`${what}.${key} is missing`);
    }
    return v;
}

function optionalString(o: Obj, key: string): string | null {
    const v = o[key];
    return typeof v === 'string' && v !== '' ? v : null;
}

function optionalNumber(o: Obj, key: string): number | null {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function optionalTime(o: Obj, key: string): number | null {
    const v = o[key];
    if (typeof v !== 'string') {
        return null;
    }
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
}

function bool(o: Obj, key: string): boolean {
    return o[key] === true;
}

// A node reference in a job or run is a string; tolerate {id, name} objects too.
function nodeRef(o: Obj, key: string): string | null {
    const v = o[key];
    if (typeof v === 'string') {
        return v === '' ? null : v;
    }
    if (typeof v === 'object' && v !== null) {
        const ref = v as Obj;
        return optionalString(ref, 'name') ?? optionalString(ref, 'id');
    }
    return null;
}

export function decodeNode(value: unknown): Node {
    const o = object(value, 'node');
    return {
        id: requiredString(o, 'id', 'node'),
        name: optionalString(o, 'name') ?? requiredString(o, 'id', 'node'),
        startedAt: optionalTime(o, 'started_at'),
        lastSeenAt: optionalTime(o, 'last_seen_at'),
        alive: bool(o, 'alive'),
        self: bool(o, 'self'),
        version: optionalString(o, 'version') ?? '',
        serverVersion: optionalString(o, 'server_version'),
    };
}

const lockKinds: readonly LockKind[] = ['demo', 'job', 'other'];

export function decodeLock(value: unknown): Lock {
    const o = object(value, 'lock');
    const kind = lockKinds.find((k) => k === o.kind) ?? 'other';
    return {
        name: requiredString(o, 'name', 'lock'),
        held: bool(o, 'held'),
        holderId: optionalString(o, 'holder_id'),
        holderName: optionalString(o, 'holder_name'),
        acquiredAt: optionalTime(o, 'acquired_at'),
        expiresAt: optionalTime(o, 'expires_at'),
        fencingToken: optionalNumber(o, 'fencing_token'),
        kind,
    };
}

export function decodeRun(value: unknown): Run {
    const o = object(value, 'run');
    return {
        node: nodeRef(o, 'node') ?? '',
        startedAt: optionalTime(o, 'started_at'),
        durationMs: optionalNumber(o, 'duration_ms'),
        error: optionalString(o, 'error'),
        summary: optionalString(o, 'summary'),
    };
}

export function decodeJob(value: unknown): Job {
    const o = object(value, 'job');
    return {
        name: requiredString(o, 'name', 'job'),
        intervalMs: optionalNumber(o, 'interval_ms') ?? 0,
        running: bool(o, 'running'),
        runningOn: nodeRef(o, 'running_on'),
        lastStartedAt: optionalTime(o, 'last_started_at'),
        lastFinishedAt: optionalTime(o, 'last_finished_at'),
        lastNode: nodeRef(o, 'last_node'),
        lastDurationMs: optionalNumber(o, 'last_duration_ms'),
        lastError: optionalString(o, 'last_error'),
        runs: optionalNumber(o, 'runs') ?? 0,
        nextRunAt: optionalTime(o, 'next_run_at'),
        lock: optionalString(o, 'lock'),
        history: Array.isArray(o.history) ? o.history.map(decodeRun) : null,
    };
}

function decodeAcquisitions(value: unknown): StressAcquisitions[] {
    if (Array.isArray(value)) {
        return value.map((item) => {
            const o = object(item, 'stress acquisition');
            return {node: nodeRef(o, 'node') ?? '', count: optionalNumber(o, 'count') ?? 0};
        });
    }
    if (typeof value === 'object' && value !== null) {
        return Object.entries(value as Obj).map(([node, count]) => ({
            node,
            count: typeof count === 'number' ? count : 0,
        }));
    }
    return [];
}

export function decodeStress(value: unknown): StressResult | null {
    if (value === null || value === undefined) {
        return null;
    }
    const o = object(value, 'stress');
    const overlap = o.overlap_seen ?? o.overlap;
    return {
        running: bool(o, 'running'),
        seconds: optionalNumber(o, 'seconds'),
        startedAt: optionalTime(o, 'started_at'),
        endsAt: optionalTime(o, 'ends_at'),
        startedBy: nodeRef(o, 'started_by'),
        acquisitions: decodeAcquisitions(o.acquisitions),
        handoffP50Ms: optionalNumber(o, 'handoff_p50_ms'),
        handoffP99Ms: optionalNumber(o, 'handoff_p99_ms'),
        overlaps: optionalNumber(o, 'overlaps'),
        overlapSeen: typeof overlap === 'boolean' ? overlap : null,
        errors: optionalNumber(o, 'errors'),
    };
}

function settingValue(v: unknown): SettingValue | undefined {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        return v;
    }
    return undefined;
}

function decodeRefused(value: unknown): RefusedSetting | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return null;
    }
    const o = value as Obj;
    const key = optionalString(o, 'key');
    const reason = optionalString(o, 'reason');
    if (key === null || reason === null) {
        return null;
    }
    const v = settingValue(o.value);
    return {key, value: v === undefined || v === null ? '' : String(v), reason, at: optionalTime(o, 'at')};
}

// The settings block is optional and checked leniently: values that are not
// plain settings are left out, a refusal without its key or reason is ignored.
export function decodeSettings(value: unknown): PluginSettings | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return null;
    }
    const o = value as Obj;
    const running: PluginSettings['running'] = [];
    if (typeof o.running === 'object' && o.running !== null && !Array.isArray(o.running)) {
        for (const [key, raw] of Object.entries(o.running as Obj)) {
            const v = settingValue(raw);
            if (v !== undefined) {
                running.push({key, value: v});
            }
        }
    }
    return {running, refused: decodeRefused(o.refused)};
}

export function decodeDemoActions(o: Obj): DemoActions {
    const enabled = o.demo_actions_enabled !== false;
    return {enabled, reason: enabled ? null : optionalString(o, 'demo_actions_disabled_reason')};
}

export function decodeStatus(value: unknown): Status {
    const o = object(value, 'status');
    return {
        node: decodeNode(o.node),
        nodes: array(o.nodes ?? [], 'nodes').map(decodeNode),
        locks: array(o.locks ?? [], 'locks').map(decodeLock),
        jobs: array(o.jobs ?? [], 'jobs').map(decodeJob),
        generatedAt: optionalTime(o, 'generated_at'),
        stress: decodeStress(o.stress),
        settings: decodeSettings(o.settings),
        demoActions: decodeDemoActions(o),
        timeline: o.timeline ?? null,
    };
}
