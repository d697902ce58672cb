import {formatDuration} from '../ui/format';
import type {NodeDirectory} from '../ui/nodeColors';

import type {Hold, NodeEvent, RunMark} from './history';

// The words for each thing the timeline draws: the hover title, the detail
// line shown on focus, and what a screen reader reads are the same text.

const pad = (n: number) => String(n).padStart(2, '0');

// Wall-clock time on this machine, to the second.
export function clockTime(t: number): string {
    const d = new Date(t);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function nodeLabel(ref: string, nodes: NodeDirectory): string {
    return nodes.resolve(ref)?.label ?? ref;
}

// Hold ends are known to within a poll; tenths of a second would be noise.
function wholeSeconds(ms: number): number {
    return Math.max(0, Math.round(ms / 1000) * 1000);
}

// An open hold says "since" without a running duration: its label stays the
// same from one second to the next, so a screen reader on it is not
// interrupted by every tick.
export function describeHold(h: Hold, lane: string, nodes: NodeDirectory): string {
    const who = `${lane}: held by ${nodeLabel(h.node, nodes)}`;
    const token = `fencing token ${h.fencingToken ?? 'unknown'}`;
    if (h.to === null) {
        return `${who} since ${clockTime(h.from)}, still held, ${token}`;
    }
    const parts = [`${who} from ${clockTime(h.from)} to ${clockTime(h.to)} (${formatDuration(wholeSeconds(h.to - h.from))})`, token];
    if (h.endedBy !== null) {
        parts.push(h.endedBy);
    }
    return parts.join(', ');
}

export function describeRun(r: RunMark, nodes: NodeDirectory): string {
    const parts = [`job ${r.job}: run on ${nodeLabel(r.node, nodes)} at ${clockTime(r.startedAt)}`];
    if (r.endedAt !== null) {
        parts.push(formatDuration(r.endedAt - r.startedAt));
    }
    parts.push(r.error ? `${r.outcome}: ${r.error}` : r.outcome);
    return parts.join(', ');
}

const eventWords = {joined: 'joined', gone: 'gone (heartbeat lost)', restarted: 'restarted'};

export function describeEvent(e: NodeEvent): string {
    return `${e.name} ${eventWords[e.kind]} at ${clockTime(e.at)}`;
}
