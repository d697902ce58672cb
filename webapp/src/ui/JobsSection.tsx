import React from 'react';

import type {Job, Run} from '../api/types';

import {actionsOffId} from './actionsOff';
import {formatDuration} from './format';
import {NodeLabel} from './NodeLabel';
import {RunStrip} from './RunStrip';
import {Ago} from './Time';

interface Props {
    jobs: Job[];
    histories: Map<string, Run[]>;
    now: number;

    // Why the demo actions are switched off; null when they are on.
    actionsOff: string | null;
    error: string | null;
    isBusy: (key: string) => boolean;
    onRunNow: (name: string) => void;
}

export const runKey = (name: string) => `job:${name}:run`;

// The last finished run. While a run is going the status's last start is the
// running one's (its node and outcome are not known yet), so the finished
// run's start is taken from when it ended; a first run still going has no
// finished run at all and shows only under "Running now".
function lastFinishedStart(job: Job): number | null {
    if (job.lastFinishedAt === null) {
        return null;
    }
    if (!job.running) {
        return job.lastStartedAt;
    }
    return job.lastDurationMs === null ? job.lastFinishedAt : job.lastFinishedAt - job.lastDurationMs;
}

function LastRun({job, now}: {job: Job; now: number}) {
    const startedAt = lastFinishedStart(job);
    if (startedAt === null) {
        return <span className='cd-muted'>{job.running ? 'None finished yet' : 'Never'}</span>;
    }
    return (
        <span className='cd-last-run'>
            <NodeLabel refName={job.lastNode}/>
            {', '}
            <Ago at={startedAt} now={now}/>
            {job.lastDurationMs !== null && `, ${formatDuration(job.lastDurationMs)}`}
            {', '}
            {job.lastError ? (
                <span className='cd-failed'>{`failed: ${job.lastError}`}</span>
            ) : (
                <span className='cd-ok'>{'ok'}</span>
            )}
        </span>
    );
}

export function JobsSection({jobs, histories, now, actionsOff, error, isBusy, onRunNow}: Props) {
    return (
        <section className='cd-section' aria-labelledby='cd-jobs-title'>
            <h3 id='cd-jobs-title'>{'Jobs'}</h3>
            <table
                className='cd-table'
                aria-labelledby='cd-jobs-title'
            >
                <thead>
                    <tr>
                        <th scope='col'>{'Job'}</th>
                        <th scope='col'>{'Interval'}</th>
                        <th scope='col'>{'Running now'}</th>
                        <th scope='col'>{'Last run'}</th>
                        <th scope='col'>{'Runs'}</th>
                        <th scope='col'>{'Next run'}</th>
                        <th scope='col'>{'History'}</th>
                        <th scope='col'><span className='cd-visually-hidden'>{'Actions'}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {jobs.length === 0 && (
                        <tr><td colSpan={8} className='cd-muted'>{'No jobs are scheduled.'}</td></tr>
                    )}
                    {jobs.map((job) => (
                        <tr key={job.name}>
                            <th scope='row'>{job.name}</th>
                            <td>{job.intervalMs > 0 ? `every ${formatDuration(job.intervalMs)}` : '—'}</td>
                            <td>
                                {job.running ? (
                                    <span className='cd-running'>
                                        {'Running on '}
                                        <NodeLabel refName={job.runningOn}/>
                                    </span>
                                ) : (
                                    <span className='cd-muted'>{'Idle'}</span>
                                )}
                            </td>
                            <td><LastRun job={job} now={now}/></td>
                            <td>{job.runs > 0 || !job.running ? job.runs : '—'}</td>
                            <td><Ago at={job.nextRunAt} now={now}/></td>
                            <td>
                                <RunStrip
                                    job={job.name}
                                    runs={histories.get(job.name)}
                                    now={now}
                                />
                            </td>
                            <td>
                                <button
                                    type='button'
                                    className='cd-button'
                                    onClick={() => onRunNow(job.name)}
                                    disabled={actionsOff !== null || isBusy(runKey(job.name))}
                                    aria-label={`Run job ${job.name} now`}
                                    aria-describedby={actionsOff === null ? undefined : actionsOffId}
                                >
                                    {'Run now'}
                                </button>
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {error && <p className='cd-error' role='alert'>{error}</p>}
        </section>
    );
}
