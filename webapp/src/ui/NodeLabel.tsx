import React, {createContext, useContext} from 'react';

import {NodeDirectory, type NodeRef} from './nodeColors';

export const NodeDirectoryContext = createContext<NodeDirectory>(new NodeDirectory([]));

export function useNodeDirectory(): NodeDirectory {
    return useContext(NodeDirectoryContext);
}

export function NodeSwatch({node}: {node: NodeRef}) {
    return (
        <span
            className='cd-swatch'
            style={{backgroundColor: node.color}}
            data-node={node.key}
            aria-hidden='true'
        />
    );
}

// A node's name beside its colour: colour is never the only cue.
export function NodeLabel({refName, fallback}: {refName: string | null; fallback?: string | null}) {
    const node = useNodeDirectory().resolve(refName, fallback);
    if (node === null) {
        return <span className='cd-muted'>{'—'}</span>;
    }
    return (
        <span className='cd-node'>
            <NodeSwatch node={node}/>
            {node.label}
        </span>
    );
}
