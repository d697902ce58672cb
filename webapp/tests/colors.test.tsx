import {screen} from '@testing-library/react';

import {assignNodeColors, NodeDirectory, nodePalette, unknownNodeColor} from '../src/ui/nodeColors';
import {decodeNode} from '../src/api/decode';

import {iso, t0, wireJob, wireLock, wireNode, wireStatus} from './fixtures';
import {fakeServer} from './fakeServer';
import {renderPanel} from './renderPanel';

const ids = (n: number) => Array.from({length: n}, (_, i) => `node-${String.fromCharCode(97 + i)}`);

describe('colour per node: the rule', () => {
    it('gives different nodes different colours while there are enough colours', () => {
        for (let n = 1; n <= nodePalette.length; n++) {
            const colors = assignNodeColors(ids(n));
            expect(new Set(colors.values()).size).toBe(n);
            for (const c of colors.values()) {
                expect(nodePalette).toContain(c);
            }
        }
    });

    it('does not depend on the order nodes are listed in', () => {
        const forward = assignNodeColors(ids(6));
        const backward = assignNodeColors([...ids(6)].reverse());
        expect(backward).toEqual(forward);
    });

    it('keeps existing colours when a node that sorts after them joins or leaves', () => {
        const before = assignNodeColors(ids(4));
        const after = assignNodeColors([...ids(4), 'zz-new-node']);
        for (const id of ids(4)) {
            expect(after.get(id)).toBe(before.get(id));
        }
    });

    it('still colours every node when there are more nodes than colours', () => {
        const colors = assignNodeColors(ids(nodePalette.length + 3));
        expect(colors.size).toBe(nodePalette.length + 3);
        expect(new Set(colors.values()).size).toBe(nodePalette.length);
    });

    it('resolves a node named by id or by name to the same colour', () => {
        const nodes = [decodeNode(wireNode('node-a')), decodeNode(wireNode('node-b'))];
        const directory = new NodeDirectory(nodes);
        expect(directory.resolve('node-b')?.color).toBe(directory.resolve('node-b-name')?.color);
        expect(directory.resolve('node-b-name')?.label).toBe('node-b-name');
        expect(directory.resolve('node-a')?.color).not.toBe(directory.resolve('node-b')?.color);
        expect(directory.resolve(null)).toBeNull();
    });

    it('gives a node missing from the node list a colour of its own', () => {
        const directory = new NodeDirectory([decodeNode(wireNode('node-a'))], ['ghost']);
        const ghost = directory.resolve('ghost');
        expect(ghost?.known).toBe(false);
        expect(ghost?.color).not.toBe(directory.resolve('node-a')?.color);
        expect(new NodeDirectory([]).resolve('stranger')?.color).toBe(unknownNodeColor);
    });
});

describe('colour per node: on the panel', () => {
    it('shows each node in one colour everywhere, and different nodes in different colours', async () => {
        const status = wireStatus({
            nodes: [wireNode('node-a', {self: true}), wireNode('node-b'), wireNode('node-c')],
            locks: [wireLock('l1', 'node-b'), wireLock('l2', 'node-c'), wireLock('l3', 'node-a')],
            jobs: [
                // Jobs name nodes by name; locks by id: both must match.
                wireJob('quick', {running: true, running_on: 'node-c-name', last_node: 'node-b-name'}),
            ],
        });
        const history = [
            {node: 'node-a-name', started_at: iso(t0 - 30000), duration_ms: 100, error: null},
            {node: 'node-b-name', started_at: iso(t0 - 20000), duration_ms: 100, error: 'boom'},
            {node: 'node-c-name', started_at: iso(t0 - 10000), duration_ms: 100, error: null, summary: '3 nodes alive'},
            {node: 'node-a-name', started_at: iso(t0 - 1000), duration_ms: null, error: null},
        ].reverse(); // the server lists newest first
        const server = fakeServer((req) => (req.path === '/status' ?
            {status: 200, body: status} :
            {status: 200, body: {...wireJob('quick'), history}}));
        renderPanel(server, {pollMs: 3600000});
        await screen.findByRole('list', {name: 'Last 4 runs of quick, oldest first'});

        const colorsByNode = new Map<string, Set<string>>();
        const marked = document.querySelectorAll<HTMLElement>('[data-node]');
        for (const el of Array.from(marked)) {
            const key = el.dataset.node ?? '';
            colorsByNode.set(key, (colorsByNode.get(key) ?? new Set()).add(el.style.backgroundColor));
        }
        expect(Array.from(colorsByNode.keys()).sort()).toEqual(['node-a', 'node-b', 'node-c']);
        for (const colors of colorsByNode.values()) {
            expect(colors.size).toBe(1);
        }
        const distinct = new Set(Array.from(colorsByNode.values()).map((c) => Array.from(c)[0]));
        expect(distinct.size).toBe(3);

        // Every place a node appears carries its mark: nodes table (3), the
        // header, lock holders (3), running on, last run, history (4).
        expect(marked.length).toBe(13);
        const runs = screen.getAllByRole('listitem');
        expect(runs.map((r) => r.textContent)).toEqual([
            'node-a-name, 30 s ago, 100 ms, ok',
            'node-b-name, 20 s ago, 100 ms, failed: boom✕',
            'node-c-name, 10 s ago, 100 ms, ok, 3 nodes alive',
            'node-a-name, 1 s ago, running',
        ]);
    });
});
