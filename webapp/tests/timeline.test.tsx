import {act, fireEvent, screen, within} from '@testing-library/react';

import {createChangeFeed} from '../src/status/changeFeed';
import {clockTime} from '../src/timeline/describe';
import {nodePalette, unknownNodeColor} from '../src/ui/nodeColors';
import {panelCss, standaloneCss} from '../src/ui/styles';

import {iso, t0, wireJob, wireLock, wireNode, wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {flush} from './flush';
import {renderPanel} from './renderPanel';

// The panel polls these in turn (a change notice stands in for each poll):
// node-a holds L, releases it, node-b takes it, node-b's heartbeat stops.
const nodeA = wireNode('node-a', {self: true});
const nodeB = wireNode('node-b');
const L = (holder: string | null, over: Record<string, unknown> = {}) => wireLock('L', holder, over);
const steps = [
    {generated_at: iso(t0), locks: [L('node-a', {acquired_at: iso(t0 - 5000), fencing_token: 7})]},
    {generated_at: iso(t0 + 2000), locks: [L(null)]},
    {generated_at: iso(t0 + 4000), locks: [L('node-b', {acquired_at: iso(t0 + 3000), fencing_token: 8})]},
    {
        generated_at: iso(t0 + 6000),
        nodes: [nodeA, {...nodeB, alive: false, last_seen_at: iso(t0 + 5000)}],
        locks: [L('node-b', {acquired_at: iso(t0 + 3000), fencing_token: 8})],
    },
].map((over) => wireStatus({nodes: [nodeA, nodeB], jobs: [wireJob('quick', {last_started_at: null, last_finished_at: null, runs: 0})], ...over}));

function hexToRgb(hex: string): string {
    const n = parseInt(hex.slice(1), 16);
    return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function playSteps(count: number, sequence: unknown[] = steps) {
    let step = 0;
    const changes = createChangeFeed();
    const runs = [
        {node: 'node-b-name', started_at: iso(t0 - 3000), duration_ms: 500, error: 'boom'},
        {node: 'node-a-name', started_at: iso(t0 - 1000), duration_ms: 200, error: null},
    ];
    const server = statusServer(() => sequence[step], () => ({status: 404}));
    server.fetch.mockImplementation(async (url: string) => {
        const path = new URL(url).pathname;
        const body = path.endsWith('/status') ? sequence[step] : {...wireJob('quick'), history: runs};
        return {ok: true, status: 200, text: async () => JSON.stringify(body)} as Response;
    });
    renderPanel(server, {changes, pollMs: 3600000});
    await screen.findByRole('table', {name: 'Nodes'});
    for (step = 1; step < count; step++) {
        act(() => changes.notify());
        await flush();
    }
    return screen.getByRole('list', {name: /^Timeline of the last/});
}

const lane = (lanes: HTMLElement, label: string) => within(lanes).getByRole('group', {name: new RegExp(`^${label}:`)});

describe('timeline on the panel', () => {
    it('draws release then take on another node as two bars in the two nodes\' colours', async () => {
        const lanes = await playSteps(3);
        const bars = within(lane(lanes, 'lock L')).getAllByRole('img');
        expect(bars.map((b) => b.getAttribute('data-node'))).toEqual(['node-a', 'node-b']);

        const swatch = (name: string) => within(screen.getByRole('table', {name: 'Nodes'})).getByText(name).parentElement?.querySelector<HTMLElement>('.cd-swatch');
        expect(hexToRgb(bars[0].getAttribute('fill') ?? '')).toBe(swatch('node-a-name')?.style.backgroundColor);
        expect(hexToRgb(bars[1].getAttribute('fill') ?? '')).toBe(swatch('node-b-name')?.style.backgroundColor);
        expect(bars[0].getAttribute('fill')).not.toBe(bars[1].getAttribute('fill'));
    });

    it('says who, from when to when and the fencing token, on hover (title) and on keyboard focus', async () => {
        const lanes = await playSteps(3);
        const [first, second] = within(lane(lanes, 'lock L')).getAllByRole('img');
        const said = `lock L: held by node-a-name from ${clockTime(t0 - 5000)} to ${clockTime(t0 + 2000)} (7 s), fencing token 7, released`;
        expect(first).toHaveAccessibleName(said);
        expect(first.querySelector('title')?.textContent).toBe(said);

        const detail = document.querySelector('.cd-timeline-detail');
        act(() => {
            fireEvent.focus(second);
        });
        expect(detail).toHaveTextContent(`lock L: held by node-b-name since ${clockTime(t0 + 3000)}, still held, fencing token 8`);
        act(() => {
            fireEvent.blur(second);
        });
        expect(detail?.textContent?.trim()).toBe('');
    });

    it('marks job runs in the runner\'s colour, failed ones as failed', async () => {
        const lanes = await playSteps(1);
        const marks = within(lane(lanes, 'job quick')).getAllByRole('img');
        expect(marks.map((m) => [m.getAttribute('data-node'), m.getAttribute('data-outcome')])).toEqual([['node-b', 'failed'], ['node-a', 'ok']]);
        expect(marks[0]).toHaveAccessibleName(`job quick: run on node-b-name at ${clockTime(t0 - 3000)}, 500 ms, failed: boom`);
    });

    it('ends a dead node\'s bar at its last heartbeat and lists its death', async () => {
        const lanes = await playSteps(4);
        const bars = within(lane(lanes, 'lock L')).getAllByRole('img');
        expect(bars[1]).toHaveAccessibleName(`lock L: held by node-b-name from ${clockTime(t0 + 3000)} to ${clockTime(t0 + 5000)} (2 s), fencing token 8, node gone`);
        const events = screen.getByRole('list', {name: 'Node events'});
        expect(within(events).getAllByRole('listitem').map((li) => li.textContent)).toEqual([`node-b-name gone (heartbeat lost) at ${clockTime(t0 + 5000)}`]);
        // The same instant as a line across every lane.
        expect(lanes.querySelectorAll('line.cd-event-gone')).toHaveLength(within(lanes).getAllByRole('listitem').length);
    });
});

describe('timeline colours of a node that left', () => {
    it('keeps a vanished node\'s bars in its colour, not the unknown grey', async () => {
        // After the first three steps node-b drops out of the node list, and
        // its lock is free again.
        // Nothing else in the status names node-b.
        const vanished = wireStatus({generated_at: iso(t0 + 6000), nodes: [nodeA], locks: [L(null)], jobs: [wireJob('quick', {last_node: 'node-a'})]});
        const lanes = await playSteps(4, [...steps.slice(0, 3), vanished]);
        const bar = within(lane(lanes, 'lock L')).getAllByRole('img')[1];
        expect(bar).toHaveAccessibleName(/node gone$/);
        expect(bar.getAttribute('fill')).not.toBe(unknownNodeColor);
        expect(bar.getAttribute('fill')).toBe(nodePalette[1]);
    });
});

describe('timeline from the keyboard', () => {
    it('is one Tab stop, and the arrow keys walk every item', async () => {
        const lanes = await playSteps(3);
        const tabStops = () => Array.from(lanes.querySelectorAll('[tabindex="0"]'));
        // The job lane comes first: its first run takes Tab.
        const [failedRun, okRun] = within(lane(lanes, 'job quick')).getAllByRole('img');
        const [aBar, bBar] = within(lane(lanes, 'lock L')).getAllByRole('img');
        expect(tabStops()).toEqual([failedRun]);

        act(() => failedRun.focus());
        fireEvent.keyDown(failedRun, {key: 'ArrowRight'});
        expect(okRun).toHaveFocus();
        expect(tabStops()).toEqual([okRun]);

        // Down: the nearest item in time on the next lane. okRun started at
        // t0-1000: node-a's hold (from t0-5000) is nearer than node-b's (t0+3000).
        fireEvent.keyDown(okRun, {key: 'ArrowDown'});
        expect(aBar).toHaveFocus();
        fireEvent.keyDown(aBar, {key: 'End'});
        expect(bBar).toHaveFocus();
        expect(document.querySelector('.cd-timeline-detail')).toHaveTextContent('held by node-b-name');
        fireEvent.keyDown(bBar, {key: 'ArrowDown'});
        expect(bBar).toHaveFocus();
    });
});

describe('timeline from a server-kept history', () => {
    it('draws holds the server sends in the status, from before the panel opened', async () => {
        const timeline = {
            from: iso(t0 - 120000),
            to: iso(t0),
            holds: [{lock: 'earlier', node: 'node-b', from: iso(t0 - 90000), to: iso(t0 - 60000), fencing_token: 3, ended_by: 'released'}],
            runs: [],
            node_events: [{node: 'node-b', name: 'node-b-name', at: iso(t0 - 100000), kind: 'restarted'}],
        };
        renderPanel(statusServer(() => wireStatus({nodes: [nodeA, nodeB], locks: [], jobs: [], timeline})), {pollMs: 3600000});
        const lanes = await screen.findByRole('list', {name: /^Timeline of the last/});
        const [bar] = within(lane(lanes, 'lock earlier')).getAllByRole('img');
        expect(bar).toHaveAccessibleName(`lock earlier: held by node-b-name from ${clockTime(t0 - 90000)} to ${clockTime(t0 - 60000)} (30 s), fencing token 3, released`);
        expect(within(screen.getByRole('list', {name: 'Node events'})).getByRole('listitem')).toHaveTextContent(`node-b-name restarted at ${clockTime(t0 - 100000)}`);
    });
});

describe('timeline themes', () => {
    // Light or dark comes from the web app's variables: a literal colour in a
    // timeline rule would stay the same in both themes.
    it('draws with the theme\'s variables only', () => {
        const rules = panelCss.split('\n').filter((line) => /^\.cd-(lane|hold|mark|event|axis|timeline)/.test(line));
        expect(rules.length).toBeGreaterThan(5);
        for (const rule of rules) {
            expect(rule).not.toMatch(/#[0-9a-f]{3,6}\b|rgba?\((?!var)/i);
        }
        expect(standaloneCss).toContain('prefers-color-scheme: dark');
    });
});
