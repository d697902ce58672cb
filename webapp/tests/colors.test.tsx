import {act, screen, within} from '@testing-library/react';

import {createChangeFeed} from '../src/status/changeFeed';

import {
    assignNodeColors,
    backgroundDistance,
    type ColorCandidate,
    distinctColorCount,
    distinctPairDistance,
    NodeDirectory,
    nodePalette,
    palettePairDistance,
    unknownNodeColor,
} from '../src/ui/nodeColors';
import {decodeNode} from '../src/api/decode';

import {ciede2000, hexToLab, type Lab} from './ciede2000';
import {iso, t0, wireJob, wireLock, wireNode, wireStatus} from './fixtures';
import {fakeServer, statusServer} from './fakeServer';
import {flush} from './flush';
import {renderPanel} from './renderPanel';

const ids = (n: number) => Array.from({length: n}, (_, i) => `node-${String.fromCharCode(97 + i)}`);
const live = (id: string, startedAt: number | null = null): ColorCandidate => ({id, startedAt, alive: true});

// Sharma, Wu and Dalal's published test pairs (L*a*b* in, CIEDE2000 out).
const sharmaPairs: Array<[Lab, Lab, number]> = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
    [[50, -1.3802, -84.2814], [50, 0, -82.7485], 1.0000],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.49, -0.001], [50, -2.49, 0.0009], 7.1792],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[50, 2.5, 0], [61, -5, 29], 22.8977],
    [[50, 2.5, 0], [56, -27, -3], 31.9030],
    [[50, 2.5, 0], [58, 24, 15], 19.4535],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    [[22.7233, 20.0904, -46.694], [23.0331, 14.973, -42.5619], 2.0373],
    [[90.9257, -0.5406, -0.9208], [88.6381, -0.8985, -0.7239], 1.5381],
    [[2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
];

// The panel's backgrounds (styles.ts): the light default and the dark one.
const backgrounds = {light: '#ffffff', dark: '#1f1f1f'};

const distance = (x: string, y: string) => ciede2000(hexToLab(x), hexToLab(y));

function minPairDistance(colors: readonly string[]): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < colors.length; i++) {
        for (let j = i + 1; j < colors.length; j++) {
            min = Math.min(min, distance(colors[i], colors[j]));
        }
    }
    return min;
}

// Every ordering of a list: the rule must not depend on the order nodes arrive in.
function permutations<T>(items: readonly T[]): T[][] {
    if (items.length <= 1) {
        return [items.slice()];
    }
    return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('colour distance: CIEDE2000 as the tests compute it', () => {
    // A wrong term (hue rotation, the a* rescale, the mean-hue wrap) misses
    // some of these by far more than the rounding of the published figures.
    it.each(sharmaPairs)('matches the published value for %j and %j', (x, y, expected) => {
        expect(ciede2000(x, y)).toBeCloseTo(expected, 4);
        expect(ciede2000(y, x)).toBeCloseTo(expected, 4);
    });
});

describe('colour per node: the palette', () => {
    it(`keeps its first ${distinctColorCount} colours at least ${distinctPairDistance} apart`, () => {
        expect(minPairDistance(nodePalette.slice(0, distinctColorCount))).toBeGreaterThanOrEqual(distinctPairDistance);
    });

    it(`keeps all its colours at least ${palettePairDistance} apart`, () => {
        expect(minPairDistance(nodePalette)).toBeGreaterThanOrEqual(palettePairDistance);
    });

    it.each(Object.entries(backgrounds))('stands every colour off the %s background', (_theme, background) => {
        for (const color of nodePalette) {
            expect(distance(color, background)).toBeGreaterThanOrEqual(backgroundDistance);
        }
    });
});

describe('colour per node: the rule', () => {
    it(`gives every 1 to ${distinctColorCount} live nodes, in any order and with any start times, clearly different colours`, () => {
        const startOrders = permutations([0, 1, 2, 3]);
        for (let n = 1; n <= distinctColorCount; n++) {
            for (const starts of startOrders) {
                const nodes = ids(n).map((id, i) => live(id, starts[i] * 1000));
                for (const arrival of permutations(nodes)) {
                    const colors = Array.from(assignNodeColors(arrival).values());
                    expect(new Set(colors).size).toBe(n);
                    expect(nodePalette.slice(0, distinctColorCount)).toEqual(expect.arrayContaining(colors));
                    if (n > 1) {
                        expect(minPairDistance(colors)).toBeGreaterThanOrEqual(distinctPairDistance);
                    }
                }
            }
        }
    });

    it('places live nodes before gone ones, so gone nodes never push a live one past the distinct colours', () => {
        const gone = ids(3).map((id) => ({id: `gone-${id}`, startedAt: 0, alive: false}));
        const alive = ids(4).map((id, i) => live(id, 1000 + i));
        const colors = assignNodeColors([...gone, ...alive]);
        for (const node of alive) {
            expect(nodePalette.slice(0, distinctColorCount)).toContain(colors.get(node.id));
        }
    });

    it('colours in order of start time, and the same nodes get the same colours every time (a reload)', () => {
        const nodes = [live('zeta', 1000), live('alpha', 3000), live('mid', 2000)];
        const colors = assignNodeColors(nodes);
        expect(colors.get('zeta')).toBe(nodePalette[0]);
        expect(colors.get('mid')).toBe(nodePalette[1]);
        expect(colors.get('alpha')).toBe(nodePalette[2]);
        expect(assignNodeColors([...nodes].reverse())).toEqual(colors);
    });

    it('keeps every shown colour while nodes come and go', () => {
        const first = assignNodeColors([live('a', 1), live('b', 2), live('c', 3)]);
        // a leaves: b and c keep theirs (a rank-only rule would shift them).
        const second = assignNodeColors([live('b', 2), live('c', 3)], first);
        expect(second.get('b')).toBe(first.get('b'));
        expect(second.get('c')).toBe(first.get('c'));
        // A node that started earlier joins: it takes the free colour, nobody moves.
        const third = assignNodeColors([live('early', 0), live('b', 2), live('c', 3)], second);
        expect(third.get('b')).toBe(first.get('b'));
        expect(third.get('c')).toBe(first.get('c'));
        expect(third.get('early')).toBe(first.get('a'));
    });

    it('still colours every node when there are more nodes than colours, reusing the palette', () => {
        const many = ids(nodePalette.length + 3).map((id, i) => live(id, i));
        const colors = assignNodeColors(many);
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
        // The timeline's SVG marks are checked in timeline.test.tsx.
        const marked = document.querySelectorAll<HTMLElement>('[data-node]:not(rect)');
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
        // header, locks held per node (3), lock holders (3), running on,
        // last run, history (4).
        expect(marked.length).toBe(16);
        const runs = within(screen.getByRole('list', {name: 'Last 4 runs of quick, oldest first'})).getAllByRole('listitem');
        expect(runs.map((r) => r.textContent)).toEqual([
            'node-a-name, 30 s ago, 100 ms, ok',
            'node-b-name, 20 s ago, 100 ms, failed: boom✕',
            'node-c-name, 10 s ago, 100 ms, ok, 3 nodes alive',
            'node-a-name, 1 s ago, running',
        ]);
    });

    it('keeps each remaining node\'s colour when another leaves the list between polls', async () => {
        // node-a started first, so it takes the first colour; b and c follow.
        const nodes = [
            wireNode('node-a', {self: true, started_at: iso(t0 - 3000)}),
            wireNode('node-b', {started_at: iso(t0 - 2000)}),
            wireNode('node-c', {started_at: iso(t0 - 1000)}),
        ];
        let listed = nodes;
        const changes = createChangeFeed();
        renderPanel(statusServer(() => wireStatus({nodes: listed, node: listed[listed.length - 1], locks: [], jobs: []})), {changes, pollMs: 3600000});
        await screen.findByRole('table', {name: 'Nodes'});
        const swatch = (name: string) => within(screen.getByRole('table', {name: 'Nodes'})).getByText(name).parentElement?.querySelector<HTMLElement>('.cd-swatch')?.style.backgroundColor;
        const before = {b: swatch('node-b-name'), c: swatch('node-c-name')};

        // node-a leaves: ranking the nodes afresh would move b and c up a colour.
        listed = nodes.slice(1);
        act(() => changes.notify());
        await flush();
        expect(screen.queryByText('node-a-name')).not.toBeInTheDocument();
        expect({b: swatch('node-b-name'), c: swatch('node-c-name')}).toEqual(before);
    });
});
