import {fireEvent, screen, within} from '@testing-library/react';

import {decodeLock} from '../src/api/decode';
import {freeHolder, heldCounts, lockPageSize, matches, noFilter, orderLocks, pageOf} from '../src/ui/lockView';
import {NodeDirectory} from '../src/ui/nodeColors';
import {decodeNode} from '../src/api/decode';

import {t0, wireNode, wireStatus} from './fixtures';
import {lockCount, thousandLocks} from './manyLocks';
import {statusServer} from './fakeServer';
import {renderPanel} from './renderPanel';

const noPoll = {pollMs: 3600000};

const nodes = [wireNode('node-a', {self: true}), wireNode('node-b'), wireNode('node-c')];
const status = () => wireStatus({nodes, locks: thousandLocks(), jobs: []});

function bodyRows(): HTMLElement[] {
    const table = screen.getByRole('table', {name: 'Locks'});
    return within(table).getAllByRole('row').slice(1);
}

const rowNames = () => bodyRows().map((r) => within(r).getByRole('rowheader').textContent);

describe('lock list logic', () => {
    const directory = new NodeDirectory(nodes.map(decodeNode));
    const locks = thousandLocks().map(decodeLock);

    it('puts held locks first, newest holder first, then locks freed most recently, then by name', () => {
        const ordered = orderLocks(locks, new Map([['lock-0007', t0 - 10], ['lock-0003', t0 - 5]]));
        expect(ordered.slice(0, 100).every((l) => l.held)).toBe(true);
        expect(ordered[0].name).toBe('lock-0990');
        expect(ordered.slice(100, 103).map((l) => l.name)).toEqual(['lock-0003', 'lock-0007', 'lock-0001']);
    });

    it('counts the locks each node holds', () => {
        expect(Object.fromEntries(heldCounts(locks, directory))).toEqual({'node-a': 34, 'node-b': 33, 'node-c': 33});
    });

    it('filters by name (any case), holder and kind together', () => {
        const pick = (f: Partial<typeof noFilter>) => locks.filter((l) => matches(l, {...noFilter, ...f}, directory)).map((l) => l.name);
        expect(pick({name: 'LOCK-099'})).toHaveLength(10);
        expect(pick({holder: 'node-b'})).toHaveLength(33);
        expect(pick({holder: freeHolder})).toHaveLength(900);
        expect(pick({kind: 'job'})).toHaveLength(20);
        // Held, by node-a, a job lock: indices that are multiples of 50 and of 30.
        expect(pick({holder: 'node-a', kind: 'job'})).toEqual(['lock-0000', 'lock-0150', 'lock-0300', 'lock-0450', 'lock-0600', 'lock-0750', 'lock-0900']);
    });

    it('pages, clamping a page past the end to the last one', () => {
        const page = pageOf(locks, 99);
        expect(page.page).toBe(Math.ceil(lockCount / lockPageSize) - 1);
        expect([page.first, page.last, page.total]).toEqual([lockCount - lockPageSize + 1, lockCount, lockCount]);
        expect(pageOf([], 0)).toMatchObject({items: [], first: 0, last: 0, pages: 1});
    });
});

describe('locks table with a thousand locks', () => {
    it('renders one page of rows, held first, with the counts per node', async () => {
        renderPanel(statusServer(status), noPoll);
        await screen.findByRole('table', {name: 'Locks'});
        // All thousand rows would make the table (and every poll) slow.
        expect(bodyRows()).toHaveLength(lockPageSize);
        expect(bodyRows().every((r) => !r.textContent?.includes('Free'))).toBe(true);
        expect(screen.getByText(`Locks 1–${lockPageSize} of ${lockCount}`)).toBeInTheDocument();

        const counts = screen.getByRole('list', {name: 'Locks held per node'});
        expect(within(counts).getAllByRole('button').map((b) => b.textContent)).toEqual([
            'node-a-name: 34 held', 'node-b-name: 33 held', 'node-c-name: 33 held', '900 free',
        ]);
    });

    it('pages forward and back', async () => {
        renderPanel(statusServer(status), noPoll);
        await screen.findByRole('table', {name: 'Locks'});
        const first = rowNames();
        fireEvent.click(screen.getByRole('button', {name: 'Next'}));
        expect(screen.getByText(`Locks ${lockPageSize + 1}–${2 * lockPageSize} of ${lockCount}`)).toBeInTheDocument();
        const second = rowNames();
        expect(second.some((n) => first.includes(n))).toBe(false);
        // Page 2 holds the last 50 held locks (100 held in all), oldest last.
        expect(second[second.length - 1]).toBe('lock-0000');
        fireEvent.click(screen.getByRole('button', {name: 'Previous'}));
        expect(rowNames()).toEqual(first);
        expect(screen.getByRole('button', {name: 'Previous'})).toBeDisabled();
    });

    it('filters by name, holder and kind, and back to page one', async () => {
        renderPanel(statusServer(status), noPoll);
        await screen.findByRole('table', {name: 'Locks'});
        fireEvent.click(screen.getByRole('button', {name: 'Next'}));

        fireEvent.change(screen.getByLabelText('Name contains'), {target: {value: 'lock-01'}});
        expect(screen.getByText(`Locks 1–${lockPageSize} of 100 matching (${lockCount} in all)`)).toBeInTheDocument();
        expect(rowNames().every((n) => n?.startsWith('lock-01'))).toBe(true);

        fireEvent.change(screen.getByLabelText('Holder'), {target: {value: 'node-b'}});
        // node-b holds every thirtieth from lock-0010: among lock-01xx 100,
        // 130, 160 and 190, shown newest holder first.
        expect(rowNames()).toEqual(['lock-0190', 'lock-0160', 'lock-0130', 'lock-0100']);

        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'job'}});
        expect(rowNames()).toEqual(['lock-0100']);

        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'other'}});
        expect(screen.getByText('No locks match the filter.')).toBeInTheDocument();
    });

    it('filters to a node from its count, and back', async () => {
        renderPanel(statusServer(status), noPoll);
        await screen.findByRole('table', {name: 'Locks'});
        const nodeC = screen.getByRole('button', {name: 'node-c-name: 33 held'});
        fireEvent.click(nodeC);
        expect(nodeC).toHaveAttribute('aria-pressed', 'true');
        expect(bodyRows()).toHaveLength(33);
        expect(bodyRows().every((r) => r.textContent?.includes('node-c-name'))).toBe(true);
        fireEvent.click(nodeC);
        expect(bodyRows()).toHaveLength(lockPageSize);
    });
});
