import {act, fireEvent, render, screen} from '@testing-library/react';
import React from 'react';

import {createClient} from '../../src/api/client';
import {Panel} from '../../src/ui/Panel';
import {fakeServer} from '../fakeServer';
import {wireNode, wireStatus} from '../fixtures';
import {flush} from '../flush';
import {siteUrl} from '../renderPanel';
import {lockCount, thousandLocks} from '../manyLocks';

// Render time of the panel with a thousand locks, in jsdom (not a browser:
// no layout or paint, so these are the React and DOM-building costs only).
// Run on its own: npx jest --testMatch '**/*.bench.tsx'
const rounds = 7;

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

it(`renders the panel with ${lockCount} locks`, async () => {
    const body = wireStatus({nodes: [wireNode('node-a', {self: true}), wireNode('node-b'), wireNode('node-c')], locks: thousandLocks(), jobs: []});
    const mount: number[] = [];
    const filter: number[] = [];
    const next: number[] = [];
    for (let i = 0; i < rounds; i++) {
        const server = fakeServer(() => ({status: 200, body}));
        const client = createClient({siteUrl: () => siteUrl, fetch: server.fetch as unknown as typeof fetch});
        const {unmount} = render(<Panel client={client} pollMs={3600000}/>);
        // From the answer being decoded to the table on screen.
        const start = performance.now();
        await flush();
        await screen.findByRole('table', {name: 'Locks'});
        mount.push(performance.now() - start);

        // Queries outside the timed part: getByRole walks the whole DOM.
        const nameFilter = screen.getByLabelText('Name contains');
        const nextPage = screen.getByRole('button', {name: 'Next'});
        let t = performance.now();
        act(() => {
            fireEvent.change(nameFilter, {target: {value: 'lock-05'}});
        });
        filter.push(performance.now() - t);

        act(() => {
            fireEvent.change(nameFilter, {target: {value: ''}});
        });
        t = performance.now();
        act(() => {
            fireEvent.click(nextPage);
        });
        next.push(performance.now() - t);
        unmount();
    }
    process.stdout.write(`${lockCount} locks, median of ${rounds} (ms): first render ${median(mount).toFixed(1)}, ` +
        `filter keystroke ${median(filter).toFixed(1)}, next page ${median(next).toFixed(1)}\n`);
    expect(mount).toHaveLength(rounds);
});
