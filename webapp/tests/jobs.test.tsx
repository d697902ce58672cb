import {screen, within} from '@testing-library/react';

import {iso, t0, wireJob, wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {renderPanel} from './renderPanel';

const noPoll = {pollMs: 3600000};

async function jobRow(job: Record<string, unknown>): Promise<HTMLElement> {
    renderPanel(statusServer(() => wireStatus({jobs: [job]})), noPoll);
    const table = await screen.findByRole('table', {name: 'Jobs'});
    return within(table).getAllByRole('row')[1];
}

const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);

describe('jobs table', () => {
    // The status of a job whose first run is still going: the last start is
    // the running run's, nothing has finished, no run counted.
    const firstRunGoing = wireJob('slow', {
        running: true,
        running_on: 'node-b-name',
        last_started_at: iso(t0 - 2000),
        last_finished_at: null,
        last_node: null,
        last_duration_ms: null,
        runs: 0,
    });

    it('shows a first run that is still going under "Running now" only', async () => {
        const row = await jobRow(firstRunGoing);
        const [, running, last, runs] = cells(row);
        expect(running).toBe('Running on node-b-name');
        // A reading of the last start as a finished run says "—, 2 s ago, ok".
        expect(last).toBe('None finished yet');
        expect(row.querySelector('.cd-last-run')).toBeNull();
        expect(runs).toBe('—');
    });

    it('shows the previous finished run, with its own start, while a later one is going', async () => {
        const row = await jobRow(wireJob('slow', {
            running: true,
            running_on: 'node-a-name',
            last_started_at: iso(t0 - 1000),
            last_finished_at: iso(t0 - 9000),
            last_node: 'node-b-name',
            last_duration_ms: 1000,
            runs: 4,
        }));
        const [, running, last, runs] = cells(row);
        expect(running).toBe('Running on node-a-name');
        // Not "1 s ago": that is when the running one started.
        expect(last).toBe('node-b-name, 10 s ago, 1 s, ok');
        expect(runs).toBe('4');
    });

    it('says "Never" for a job that has not run and is not running', async () => {
        const row = await jobRow(wireJob('idle', {last_started_at: null, last_finished_at: null, last_node: null, last_duration_ms: null, runs: 0}));
        const [, running, last, runs] = cells(row);
        expect(running).toBe('Idle');
        expect(last).toBe('Never');
        expect(runs).toBe('0');
    });
});
