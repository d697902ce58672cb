import React from 'react';

import type {Run} from '../api/types';

import {formatAgo, formatDuration} from './format';
import {useNodeDirectory} from './NodeLabel';

// The strip shows at most this many runs, newest last.
export const stripLength = 10;

function describe(run: Run, nodeLabel: string, now: number): string {
    const parts = [nodeLabel];
    if (run.startedAt !== null) {
        parts.push(formatAgo(run.startedAt, now));
    }
    if (run.durationMs !== null) {
        parts.push(formatDuration(run.durationMs));
    }
    if (run.error) {
        parts.push(`failed: ${run.error}`);
    } else {
        parts.push(run.durationMs === null ? 'running' : 'ok');
    }
    if (run.summary) {
        parts.push(run.summary);
    }
    return parts.join(', ');
}

function runClass(run: Run): string {
    if (run.error) {
        return 'cd-run cd-run-failed';
    }
    return run.durationMs === null ? 'cd-run cd-run-running' : 'cd-run';
}

// A short history of a job's last runs, each cell in its node's colour; a
// failed run is marked with a cross as well, so the outcome does not depend
// on telling colours apart.
export function RunStrip({job, runs, now}: {job: string; runs: Run[] | undefined; now: number}) {
    const directory = useNodeDirectory();
    if (!runs || runs.length === 0) {
        return <span className='cd-muted'>{'No runs yet'}</span>;
    }
    const ordered = [...runs].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0)).slice(-stripLength);
    return (
        <ol
            className='cd-strip'
            aria-label={`Last ${ordered.length} runs of ${job}, oldest first`}
        >
            {ordered.map((run, i) => {
                const node = directory.resolve(run.node);
                const label = describe(run, node?.label ?? 'unknown node', now);
                return (
                    <li
                        key={`${run.startedAt ?? 'x'}-${i}`}
                        className={runClass(run)}
                        style={{backgroundColor: node?.color}}
                        data-node={node?.key}
                        title={label}
                    >
                        <span className='cd-visually-hidden'>{label}</span>
                        {run.error && <span aria-hidden='true'>{'✕'}</span>}
                    </li>
                );
            })}
        </ol>
    );
}
