import React, {useMemo, useState} from 'react';

import type {Lock, LockKind, Node} from '../api/types';

import {LockForm} from './LockForm';
import {anyHolder, freeHolder, heldCounts, type LockFilter, matches, noFilter, orderLocks, pageOf} from './lockView';
import {NodeLabel, NodeSwatch, useNodeDirectory} from './NodeLabel';
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

const kinds: readonly LockKind[] = ['demo', 'job', 'other'];

// How many locks each node holds now; a node's count is a button that
// filters the table to that node's locks.
function HeldCounts({nodes, counts, free, holder, onHolder}: {
    nodes: Node[];
    counts: Map<string, number>;
    free: number;
    holder: string;
    onHolder: (key: string) => void;
}) {
    const directory = useNodeDirectory();
    const keys = [...nodes.map((n) => n.id), ...Array.from(counts.keys()).filter((k) => !nodes.some((n) => n.id === k))];
    return (
        <ul
            className='cd-counts'
            aria-label='Locks held per node'
        >
            {keys.map((key) => {
                const node = directory.resolve(key);
                if (node === null) {
                    return null;
                }
                const count = counts.get(key) ?? 0;
                return (
                    <li key={key}>
                        <button
                            type='button'
                            className='cd-count'
                            aria-pressed={holder === key}
                            onClick={() => onHolder(holder === key ? anyHolder : key)}
                        >
                            <NodeSwatch node={node}/>
                            {`${node.label}: ${count} held`}
                        </button>
                    </li>
                );
            })}
            <li>
                <button
                    type='button'
                    className='cd-count'
                    aria-pressed={holder === freeHolder}
                    onClick={() => onHolder(holder === freeHolder ? anyHolder : freeHolder)}
                >
                    {`${free} free`}
                </button>
            </li>
        </ul>
    );
}

function FilterForm({filter, nodes, onChange}: {filter: LockFilter; nodes: {key: string; label: string}[]; onChange: (f: LockFilter) => void}) {
    return (
        <div
            className='cd-form cd-filter'
            role='search'
            aria-label='Filter locks'
        >
            <div className='cd-field'>
                <label htmlFor='cd-filter-name'>{'Name contains'}</label>
                <input
                    id='cd-filter-name'
                    type='search'
                    value={filter.name}
                    onChange={(e) => onChange({...filter, name: e.target.value})}
                    autoComplete='off'
                    spellCheck={false}
                />
            </div>
            <div className='cd-field'>
                <label htmlFor='cd-filter-holder'>{'Holder'}</label>
                <select
                    id='cd-filter-holder'
                    value={filter.holder}
                    onChange={(e) => onChange({...filter, holder: e.target.value})}
                >
                    <option value={anyHolder}>{'Any'}</option>
                    <option value={freeHolder}>{'Free'}</option>
                    {nodes.map((n) => (
                        <option
                            key={n.key}
                            value={n.key}
                        >
                            {n.label}
                        </option>
                    ))}
                </select>
            </div>
            <div className='cd-field'>
                <label htmlFor='cd-filter-kind'>{'Kind'}</label>
                <select
                    id='cd-filter-kind'
                    value={filter.kind}
                    onChange={(e) => onChange({...filter, kind: e.target.value as LockFilter['kind']})}
                >
                    <option value=''>{'Any'}</option>
                    {kinds.map((k) => (
                        <option
                            key={k}
                            value={k}
                        >
                            {k}
                        </option>
                    ))}
                </select>
            </div>
        </div>
    );
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
            <FilterForm
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
