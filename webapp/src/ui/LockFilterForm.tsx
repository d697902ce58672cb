import React from 'react';

import type {LockKind} from '../api/types';

import {anyHolder, freeHolder, type LockFilter} from './lockView';

const kinds: readonly LockKind[] = ['demo', 'job', 'other'];

// Narrows the locks table by name, holder node and kind.
export function LockFilterForm({filter, nodes, onChange}: {filter: LockFilter; nodes: {key: string; label: string}[]; onChange: (f: LockFilter) => void}) {
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
