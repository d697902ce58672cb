import React, {useMemo, useState} from 'react';

import type {Lock, Node} from '../api/types';

import {LockForm} from './LockForm';
import {HeldCounts} from './HeldCounts';
import {LockFilterForm} from './LockFilterForm';
import {heldCounts, type LockFilter, matches, noFilter, orderLocks, pageOf} from './lockView';
import {NodeLabel, useNodeDirectory} from './NodeLabel';
import {Ago, Countdown} from './Time';

interface Props {
    locks: Lock[];
    nodes: Node[];

    // When the panel last saw each lock held, so a lock just freed sorts near the top.
    lastHeldAt: ReadonlyMap<string, number>;
    answering: Node;
    now: number;

    // Why the demo actions are switched off; null when they are on.
    actionsOff: string | null;
    error: string | null;
    isBusy: (key: string) => boolean;
    onAcquire: (name: string, seconds: number) => Promise<boolean>;
    onRelease: (name: string) => void;
}

export const acquireKey = 'lock:acquire';
export const releaseKey = (name: string) => `lock:${name}:release`;

// Only a demo lock held by the node that answered can be released from here:
// the server releases locks on its own node only, and job locks belong to
// their jobs.
function releasable(lock: Lock, answering: Node): boolean {
    return lock.kind === 'demo' && lock.held && lock.holderId === answering.id;
}

export function LocksSection({locks, nodes, lastHeldAt, answering, now, actionsOff, error, isBusy, onAcquire, onRelease}: Props) {
    const directory = useNodeDirectory();
    const [filter, setFilter] = useState<LockFilter>(noFilter);
    const [page, setPage] = useState(0);

    const ordered = useMemo(() => orderLocks(locks, lastHeldAt), [locks, lastHeldAt]);
    const counts = useMemo(() => heldCounts(locks, directory), [locks, directory]);
    const shown = useMemo(() => ordered.filter((l) => matches(l, filter, directory)), [ordered, filter, directory]);
    const current = pageOf(shown, page);
    const heldTotal = Array.from(counts.values()).reduce((a, b) => a + b, 0);
    const holderOptions = [...nodes.map((n) => n.id), ...Array.from(counts.keys())].
        filter((key, i, all) => all.indexOf(key) === i).
        map((key) => ({key, label: directory.resolve(key)?.label ?? key}));

    const changeFilter = (next: LockFilter) => {
        setFilter(next);
        setPage(0);
    };

    return (
        <section className='cd-section' aria-labelledby='cd-locks-title'>
            <h3 id='cd-locks-title'>{'Locks'}</h3>
            <HeldCounts
                nodes={nodes}
                counts={counts}
                free={locks.length - heldTotal}
                holder={filter.holder}
                onHolder={(holder) => changeFilter({...filter, holder})}
            />
            <LockFilterForm
                filter={filter}
                nodes={holderOptions}
                onChange={changeFilter}
            />
            <table
                className='cd-table'
                aria-labelledby='cd-locks-title'
            >
                <thead>
                    <tr>
                        <th scope='col'>{'Lock'}</th>
                        <th scope='col'>{'Kind'}</th>
                        <th scope='col'>{'Holder'}</th>
                        <th scope='col'>{'Held since'}</th>
                        <th scope='col'>{'Expires in'}</th>
                        <th scope='col'>{'Fencing token'}</th>
                        <th scope='col'><span className='cd-visually-hidden'>{'Actions'}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {locks.length === 0 && (
                        <tr><td colSpan={7} className='cd-muted'>{'No locks yet. Take a demo lock below.'}</td></tr>
                    )}
                    {locks.length > 0 && shown.length === 0 && (
                        <tr><td colSpan={7} className='cd-muted'>{'No locks match the filter.'}</td></tr>
                    )}
                    {current.items.map((lock) => (
                        <tr key={lock.name}>
                            <th scope='row'><code>{lock.name}</code></th>
                            <td>{lock.kind}</td>
                            <td>
                                {lock.held ? (
                                    <NodeLabel
                                        refName={lock.holderId ?? lock.holderName}
                                        fallback={lock.holderName}
                                    />
                                ) : (
                                    <span className='cd-free'>{'Free'}</span>
                                )}
                            </td>
                            <td>{lock.held ? <Ago at={lock.acquiredAt} now={now}/> : '—'}</td>
                            <td>{lock.held ? <Countdown until={lock.expiresAt} now={now}/> : '—'}</td>
                            <td>{lock.fencingToken ?? '—'}</td>
                            <td>
                                {actionsOff === null && releasable(lock, answering) && (
                                    <button
                                        type='button'
                                        className='cd-button'
                                        onClick={() => onRelease(lock.name)}
                                        disabled={isBusy(releaseKey(lock.name))}
                                        aria-label={`Release lock ${lock.name}`}
                                    >
                                        {'Release'}
                                    </button>
                                )}
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
            {locks.length > 0 && (
                <nav
                    className='cd-pager'
                    aria-label='Lock pages'
                >
                    <button
                        type='button'
                        className='cd-button'
                        onClick={() => setPage(current.page - 1)}
                        disabled={current.page === 0}
                    >
                        {'Previous'}
                    </button>
                    <span aria-live='polite'>
                        {`Locks ${current.first}–${current.last} of ${current.total}`}
                        {current.total !== locks.length && ` matching (${locks.length} in all)`}
                    </span>
                    <button
                        type='button'
                        className='cd-button'
                        onClick={() => setPage(current.page + 1)}
                        disabled={current.page >= current.pages - 1}
                    >
                        {'Next'}
                    </button>
                </nav>
            )}
            {actionsOff === null ? (
                <LockForm
                    busy={isBusy(acquireKey)}
                    onAcquire={onAcquire}
                />
            ) : (
                <p className='cd-muted'>{`Taking and releasing demo locks is switched off: ${actionsOff}`}</p>
            )}
            {error && <p className='cd-error' role='alert'>{error}</p>}
        </section>
    );
}
