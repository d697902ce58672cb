import React from 'react';

import type {Node} from '../api/types';

import {anyHolder, freeHolder} from './lockView';
import {NodeSwatch, useNodeDirectory} from './NodeLabel';

// How many locks each node holds now; a node's count is a button that
// filters the table to that node's locks.
export function HeldCounts({nodes, counts, free, holder, onHolder}: {
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
