// The panel's view of the server's HTTP API (issue 4's contract). The decoder
// in decode.ts turns the wire JSON into these shapes: times become epoch
// milliseconds, absent values stay null, and node references are resolved.

export interface Node {
    id: string;
    name: string;
    startedAt: number | null;
    lastSeenAt: number | null;
    alive: boolean;
    self: boolean;
    version: string;
    serverVersion: string | null;
}

export type LockKind = 'demo' | 'job' | 'other';

export interface Lock {
    name: string;
    held: boolean;
    holderId: string | null;
    holderName: string | null;
    acquiredAt: number | null;
    expiresAt: number | null;
    fencingToken: number | null;
    kind: LockKind;
}

export interface Run {
    node: string;
    startedAt: number | null;

    // Null while the run is still going.
    durationMs: number | null;
    error: string | null;

    // What the run reported (the digest job's count, say); optional.
    summary: string | null;
}

export interface Job {
    name: string;
    intervalMs: number;
    running: boolean;
    runningOn: string | null;
    lastStartedAt: number | null;
    lastFinishedAt: number | null;
    lastNode: string | null;
    lastDurationMs: number | null;
    lastError: string | null;
    runs: number;
    nextRunAt: number | null;

    // The name of the job's lock, where the server says it.
    lock: string | null;

    // Only GET /jobs/{name} carries the history; null when not fetched.
    history: Run[] | null;
}

export interface StressAcquisitions {
    node: string;
    count: number;
}

export interface StressResult {
    running: boolean;
    seconds: number | null;
    startedAt: number | null;
    endsAt: number | null;
    startedBy: string | null;
    acquisitions: StressAcquisitions[];
    handoffP50Ms: number | null;
    handoffP99Ms: number | null;

    // The server may report a count of overlaps or only whether one was seen.
    overlaps: number | null;
    overlapSeen: boolean | null;

    // Store errors the workers met (they retry; many errors make slow handoffs).
    errors: number | null;
}

export type SettingValue = string | number | boolean | null;

// Saved settings the plugin refused (it keeps running the previous ones).
export interface RefusedSetting {
    key: string;
    value: string;
    reason: string;
    at: number | null;
}

export interface PluginSettings {
    // What the answering node's plugin runs with, by setting key.
    running: Array<{key: string; value: SettingValue}>;
    refused: RefusedSetting | null;
}

// Whether the mutating demo features (taking and releasing demo locks,
// running jobs on demand, stress runs) are switched on.
export interface DemoActions {
    enabled: boolean;
    reason: string | null;
}

export interface Status {
    node: Node;
    nodes: Node[];
    locks: Lock[];
    jobs: Job[];
    generatedAt: number | null;
    stress: StressResult | null;

    // Null when the server does not say.
    settings: PluginSettings | null;

    // Enabled unless the server says otherwise.
    demoActions: DemoActions;

    // A history the server keeps for the timeline, as sent (the timeline
    // model checks it); null when the server sends none.
    timeline: unknown;
}
