import React from 'react';

import type {Lock, Node} from '../api/types';

import {LockForm} from './LockForm';
import {NodeLabel} from './NodeLabel';
import {Ago, Countdown} from './Time';

interface Props {
    locks: Lock[];
    answering: Node;
    now: number;
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

export function LocksSection({locks, answering, now, error, isBusy, onAcquire, onRelease}: Props) {
    return (
        <section className='cd-section' aria-labelledby='cd-locks-title'>
            <h3 id='cd-locks-title'>{'Locks'}</h3>
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
                    {locks.map((lock) => (
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
                                {releasable(lock, answering) && (
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
            <LockForm
                busy={isBusy(acquireKey)}
                onAcquire={onAcquire}
            />
            {error && <p className='cd-error' role='alert'>{error}</p>}
        </section>
    );
}
