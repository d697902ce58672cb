import React from 'react';

import type {Node} from '../api/types';

import {NodeLabel} from './NodeLabel';
import {Ago} from './Time';

export function NodesTable({nodes, now}: {nodes: Node[]; now: number}) {
    return (
        <section className='cd-section' aria-labelledby='cd-nodes-title'>
            <h3 id='cd-nodes-title'>{'Nodes'}</h3>
            <table
                className='cd-table'
                aria-labelledby='cd-nodes-title'
            >
                <thead>
                    <tr>
                        <th scope='col'>{'Node'}</th>
                        <th scope='col'>{'State'}</th>
                        <th scope='col'>{'Last heartbeat'}</th>
                        <th scope='col'>{'Started'}</th>
                        <th scope='col'>{'Version'}</th>
                    </tr>
                </thead>
                <tbody>
                    {nodes.length === 0 && (
                        <tr><td colSpan={5} className='cd-muted'>{'No nodes have reported yet.'}</td></tr>
                    )}
                    {nodes.map((node) => (
                        <tr
                            key={node.id}
                            className={node.self ? 'cd-self' : undefined}
                        >
                            <th scope='row'>
                                <NodeLabel refName={node.id}/>
                                {node.self && <span className='cd-badge'>{'answered'}</span>}
                            </th>
                            <td>
                                <span className={node.alive ? 'cd-alive' : 'cd-gone'}>{node.alive ? 'Alive' : 'Gone'}</span>
                            </td>
                            <td><Ago at={node.lastSeenAt} now={now}/></td>
                            <td><Ago at={node.startedAt} now={now}/></td>
                            <td>
                                {node.version || '—'}
                                {node.serverVersion && <span className='cd-muted'>{` (server ${node.serverVersion})`}</span>}
                            </td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </section>
    );
}
