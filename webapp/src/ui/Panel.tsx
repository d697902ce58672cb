import React, {useCallback, useEffect, useMemo, useRef} from 'react';

import {ApiError, type ClusterClient} from '../api/client';
import type {Status} from '../api/types';
import type {ChangeFeed} from '../status/changeFeed';
import {useClusterStatus} from '../status/useClusterStatus';
import {useJobHistories} from '../status/useJobHistories';
import {useNow} from '../status/useNow';
import {useTimelineHistory} from '../status/useTimelineHistory';
import {lastHeldAt, type TimelineHistory} from '../timeline/history';
import {Timeline} from '../timeline/Timeline';

import {describeChanges} from './changes';
import {JobsSection, runKey} from './JobsSection';
import {LiveRegion, useAnnouncer} from './LiveRegion';
import {LocksSection, acquireKey, releaseKey} from './LocksSection';
import {NodeDirectory} from './nodeColors';
import {NodeDirectoryContext, NodeLabel} from './NodeLabel';
import {NodesTable} from './NodesTable';
import {actionsOffId, defaultActionsOffReason} from './actionsOff';
import {RemindersSection} from './RemindersSection';
import {RefusedNotice, SettingsSection} from './SettingsSection';
import {StressSection, stressKey} from './StressSection';
import {panelCss} from './styles';
import {Ago} from './Time';
import {errorFor, useActions} from './useActions';

const noJobs: never[] = [];

export const forbiddenText = 'Only system admins can see cluster status';


export const pausedText = 'Updates are paused until you try again.';

// After a 401 or 403 the panel stops polling; this says so and resumes it.
function TryAgain({onClick}: {onClick: () => void}) {
    return (
        <>
            <p className='cd-muted'>{pausedText}</p>
            <button
                type='button'
                className='cd-button'
                onClick={onClick}
            >
                {'Try again'}
            </button>
        </>
    );
}

export interface PanelProps {
    client: ClusterClient;
    changes?: ChangeFeed;
    pollMs?: number;
}

// Every node reference on the panel, so unknown nodes (gone from the node
// list but still named by a lock, a run or the timeline) keep colours of
// their own.
function directoryFor(
    status: Status | null,
    histories: Map<string, {node: string}[]>,
    history: TimelineHistory,
    previous: ReadonlyMap<string, string>,
): NodeDirectory {
    if (status === null) {
        return new NodeDirectory([], [], previous);
    }
    const refs: string[] = [];
    for (const lock of status.locks) {
        const holder = lock.holderId ?? lock.holderName;
        if (holder) {
            refs.push(holder);
        }
    }
    for (const job of status.jobs) {
        refs.push(...[job.runningOn, job.lastNode].filter((r): r is string => Boolean(r)));
    }
    for (const runs of histories.values()) {
        refs.push(...runs.map((r) => r.node).filter(Boolean));
    }
    if (status.stress) {
        refs.push(...status.stress.acquisitions.map((a) => a.node).filter(Boolean));
    }
    refs.push(...history.holds.map((h) => h.node), ...history.runs.map((r) => r.node).filter(Boolean));
    return new NodeDirectory(status.nodes, refs, previous);
}

export function Panel({client, changes, pollMs}: PanelProps) {
    const {status, error, loading, clockSkewMs, refresh, halted} = useClusterStatus(client, changes, pollMs);
    const histories = useJobHistories(client, status?.jobs ?? noJobs);
    const now = useNow(1000) + clockSkewMs;
    const [message, announce] = useAnnouncer();
    const actions = useActions(announce, refresh);

    const history = useTimelineHistory(status, histories);

    // Colours already shown stay with their nodes while nodes come and go.
    const shownColors = useRef<ReadonlyMap<string, string>>(new Map());
    const directory = useMemo(() => directoryFor(status, histories, history, shownColors.current), [status, histories, history]);
    useEffect(() => {
        shownColors.current = directory.colors;
    }, [directory]);

    // A lock freed since the last poll still sorts near the top of the table.
    const lastHeld = useMemo(() => lastHeldAt(history), [history]);

    const previous = useRef<Status | null>(null);
    useEffect(() => {
        if (status === null || status === previous.current) {
            return;
        }
        const said = describeChanges(previous.current, status, directory);
        previous.current = status;
        if (said.length > 0) {
            announce(said.join(' '));
        }
    }, [status, directory, announce]);

    const onAcquire = useCallback((name: string, seconds: number) => actions.run(acquireKey, async () => {
        try {
            const lock = await client.acquireLock(name, seconds);
            return `Lock ${lock.name} taken by ${lock.holderName ?? 'this node'} for ${seconds} s.`;
        } catch (err) {
            if (err instanceof ApiError && err.status === 409) {
                const holder = err.lock?.holderName ?? err.lock?.holderId;
                throw new ApiError(409, holder ? `Lock ${name} is held by ${holder}: ${err.message}` : err.message);
            }
            throw err;
        }
    }), [actions, client]);

    const onRelease = useCallback((name: string) => {
        void actions.run(releaseKey(name), async () => {
            await client.releaseLock(name);
            return `Lock ${name} released.`;
        });
    }, [actions, client]);

    const onRunNow = useCallback((name: string) => {
        void actions.run(runKey(name), async () => {
            await client.runJob(name);
            return `Job ${name} asked to run now; the node that wins its lock runs it.`;
        });
    }, [actions, client]);

    const onStartStress = useCallback((seconds: number) => actions.run(stressKey, async () => {
        await client.startStress(seconds);
        return `Stress demo started for ${seconds} s.`;
    }), [actions, client]);

    const forbidden = error instanceof ApiError && error.status === 403;

    let body: React.ReactNode;
    if (forbidden) {
        body = (
            <div className='cd-banner' role='alert'>
                <p>{forbiddenText}</p>
                <TryAgain onClick={refresh}/>
            </div>
        );
    } else if (status === null) {
        body = loading ? (
            <p className='cd-muted' role='status'>{'Loading cluster status…'}</p>
        ) : null;
    } else {
        const actionsOff = status.demoActions.enabled ? null : (status.demoActions.reason ?? defaultActionsOffReason);
        body = (
            <NodeDirectoryContext.Provider value={directory}>
                <div className='cd-header'>
                    <p>
                        {'Answered by '}
                        <NodeLabel refName={status.node.id}/>
                        {', updated '}
                        <Ago at={status.generatedAt} now={now}/>
                    </p>
                    {actionsOff !== null && (
                        <p
                            id={actionsOffId}
                            className='cd-note'
                        >
                            {`Taking and releasing demo locks, running jobs now, stress runs and reminders are switched off on this server: ${actionsOff} Status stays readable.`}
                        </p>
                    )}
                </div>
                {status.settings?.refused && (
                    <RefusedNotice
                        refused={status.settings.refused}
                        now={now}
                    />
                )}
                <NodesTable nodes={status.nodes} now={now}/>
                <Timeline
                    history={history}
                    jobs={status.jobs}
                    locks={status.locks}
                    now={now}
                />
                <LocksSection
                    actionsOff={actionsOff}
                    locks={status.locks}
                    nodes={status.nodes}
                    lastHeldAt={lastHeld}
                    answering={status.node}
                    now={now}
                    error={errorFor(actions, 'lock')}
                    isBusy={actions.isBusy}
                    onAcquire={onAcquire}
                    onRelease={onRelease}
                />
                <JobsSection
                    actionsOff={actionsOff}
                    jobs={status.jobs}
                    histories={histories}
                    now={now}
                    error={errorFor(actions, 'job')}
                    isBusy={actions.isBusy}
                    onRunNow={onRunNow}
                />
                <StressSection
                    actionsOff={actionsOff}
                    stress={status.stress}
                    now={now}
                    busy={actions.isBusy(stressKey)}
                    error={errorFor(actions, stressKey)}
                    onStart={onStartStress}
                />
                <RemindersSection
                    client={client}
                    now={now}
                    actionsOff={actionsOff}
                    pollMs={pollMs}
                />
                {status.settings && <SettingsSection settings={status.settings}/>}
            </NodeDirectoryContext.Provider>
        );
    }

    return (
        <div className='cd-panel'>
            <style>{panelCss}</style>
            <LiveRegion message={message}/>
            {error && !forbidden && (
                <div className='cd-banner' role='alert'>
                    <p>
                        {`Could not load the cluster status: ${error.message}`}
                        {status && (
                            <>
                                {' Showing the last status received (generated '}
                                <Ago at={status.generatedAt} now={now}/>
                                {').'}
                            </>
                        )}
                    </p>
                    {halted ? (
                        <TryAgain onClick={refresh}/>
                    ) : (
                        <button
                            type='button'
                            className='cd-button'
                            onClick={refresh}
                        >
                            {'Retry'}
                        </button>
                    )}
                </div>
            )}
            {body}
        </div>
    );
}
