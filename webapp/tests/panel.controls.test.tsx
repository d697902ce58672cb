import {screen, waitFor, within} from '@testing-library/react';

import {iso, t0, wireJob, wireLock, wireNode, wireStatus} from './fixtures';
import {type FakeServer, type Recorded, statusServer} from './fakeServer';
import {renderPanel, siteUrl} from './renderPanel';
import {click, typeInto} from './user';

const noPoll = {pollMs: 3600000};
const csrf = 'csrf-token-from-cookie';

function status() {
    return wireStatus({
        locks: [
            wireLock('mine', 'node-a'),
            wireLock('theirs', 'node-b'),
            wireLock('job-quick', 'node-a', {kind: 'job'}),
            wireLock('idle', null),
        ],
        jobs: [wireJob('quick')],
    });
}

function expectApiRequest(req: Recorded, method: string, path: string, body?: unknown) {
    expect(req.method).toBe(method);
    expect(req.url).toBe(`${siteUrl}/plugins/clusterdemo/api/v1${path}`);
    expect(req.headers['X-Requested-With']).toBe('XMLHttpRequest');
    expect(req.headers['X-CSRF-Token']).toBe(csrf);
    if (body === undefined) {
        expect(req.body).toBeUndefined();
    } else {
        expect(req.headers['Content-Type']).toBe('application/json');
        expect(req.body).toEqual(body);
    }
}

function posts(server: FakeServer): Recorded[] {
    return server.requests.filter((r) => r.method === 'POST');
}

async function renderWith(other: (req: Recorded) => {status: number; body?: unknown}) {
    const server = statusServer(status, other);
    renderPanel(server, noPoll);
    await screen.findByRole('table', {name: 'Locks'});
    return server;
}

beforeEach(() => {
    document.cookie = `MMCSRF=${csrf}`;
});

afterEach(() => {
    document.cookie = 'MMCSRF=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('panel controls', () => {
    it('sends the CSRF token and X-Requested-With on reads too', async () => {
        const server = await renderWith(() => ({status: 500}));
        expectApiRequest(server.calls('GET', '/status')[0], 'GET', '/status');
    });

    it('takes a demo lock for the chosen time, then refetches', async () => {
        const server = await renderWith(() => ({status: 200, body: wireLock('new-lock', 'node-a')}));
        await typeInto(screen.getByLabelText('Lock name'), 'new-lock');
        await typeInto(screen.getByLabelText('Hold for (seconds)'), '45');
        await click(screen.getByRole('button', {name: 'Take lock'}));

        expect(posts(server)).toHaveLength(1);
        expectApiRequest(posts(server)[0], 'POST', '/locks/new-lock/acquire', {hold_seconds: 45, wait_seconds: 0});
        await waitFor(() => expect(server.calls('GET', '/status')).toHaveLength(2));
        expect(screen.getByTestId('cd-live')).toHaveTextContent('Lock new-lock taken by node-a-name for 45 s.');
    });

    it('says who holds a lock when taking it conflicts', async () => {
        const server = await renderWith(() => ({status: 409, body: {error: 'lock is held elsewhere', lock: wireLock('theirs', 'node-b')}}));
        await typeInto(screen.getByLabelText('Lock name'), 'theirs');
        await click(screen.getByRole('button', {name: 'Take lock'}));
        expect(posts(server)).toHaveLength(1);
        const section = screen.getByRole('region', {name: 'Locks'});
        expect(within(section).getByRole('alert')).toHaveTextContent('Lock theirs is held by node-b-name: lock is held elsewhere');
    });

    it('offers release only for demo locks the answering node holds, and sends it', async () => {
        const server = await renderWith(() => ({status: 200, body: wireLock('mine', null)}));
        expect(screen.queryByRole('button', {name: 'Release lock theirs'})).not.toBeInTheDocument();
        expect(screen.queryByRole('button', {name: 'Release lock job-quick'})).not.toBeInTheDocument();
        expect(screen.queryByRole('button', {name: 'Release lock idle'})).not.toBeInTheDocument();

        await click(screen.getByRole('button', {name: 'Release lock mine'}));
        expect(posts(server)).toHaveLength(1);
        expectApiRequest(posts(server)[0], 'POST', '/locks/mine/release');
        expect(screen.getByTestId('cd-live')).toHaveTextContent('Lock mine released.');
    });

    it('shows a failed release next to the locks', async () => {
        await renderWith(() => ({status: 409, body: {error: 'this node does not hold mine'}}));
        await click(screen.getByRole('button', {name: 'Release lock mine'}));
        const section = screen.getByRole('region', {name: 'Locks'});
        expect(within(section).getByRole('alert')).toHaveTextContent('this node does not hold mine');
        expect(within(screen.getByRole('region', {name: 'Jobs'})).queryByRole('alert')).not.toBeInTheDocument();
    });

    it('asks for a job run now', async () => {
        const server = await renderWith(() => ({status: 202, body: wireJob('quick', {running: true, running_on: 'node-b'})}));
        await click(screen.getByRole('button', {name: 'Run job quick now'}));
        expect(posts(server)).toHaveLength(1);
        expectApiRequest(posts(server)[0], 'POST', '/jobs/quick/run');
        expect(screen.getByTestId('cd-live')).toHaveTextContent('Job quick asked to run now');
    });

    it('starts the stress demo for the chosen time', async () => {
        const server = await renderWith(() => ({status: 202}));
        await typeInto(screen.getByLabelText('Duration (seconds)'), '20');
        await click(screen.getByRole('button', {name: 'Start stress demo'}));
        expect(posts(server)).toHaveLength(1);
        expectApiRequest(posts(server)[0], 'POST', '/stress', {seconds: 20});
        expect(screen.getByTestId('cd-live')).toHaveTextContent('Stress demo started for 20 s.');
    });

    it('disables the stress button while a run is going on', async () => {
        const server = statusServer(() => wireStatus({stress: {running: true, seconds: 30, started_at: wireNode('x').last_seen_at, ends_at: iso(t0 + 28000)}}));
        renderPanel(server, noPoll);
        const section = await screen.findByRole('region', {name: 'Stress demo'});
        expect(within(section).getByRole('button', {name: 'Stress demo running…'})).toBeDisabled();
        expect(within(section).getByText(/Running, started/)).toHaveTextContent('Running, started 2 s ago for 30 s; ends in 28 s');
    });

    it('shows the stress result: acquisitions per node, handoff p50/p99, overlaps', async () => {
        const server = statusServer(() => wireStatus({
            stress: {
                running: false,
                seconds: 10,
                started_at: wireNode('x').started_at,
                started_by: 'node-a-name',
                acquisitions: {'node-a-name': 120, 'node-b-name': 95},
                handoff_p50_ms: 3,
                handoff_p99_ms: 41,
                overlaps: 0,
                overlap_seen: false,
                errors: 2,
            },
        }));
        renderPanel(server, noPoll);
        const section = await screen.findByRole('region', {name: 'Stress demo'});
        const result = within(section).getByRole('table');
        expect(within(result).getByRole('row', {name: /node-a-name 120/})).toBeInTheDocument();
        expect(within(result).getByRole('row', {name: /node-b-name 95/})).toBeInTheDocument();
        expect(within(result).getByRole('row', {name: 'Total 215'})).toBeInTheDocument();
        expect(within(section).getByText('3 ms')).toBeInTheDocument();
        expect(within(section).getByText('41 ms')).toBeInTheDocument();
        expect(within(section).getByText('None')).toHaveClass('cd-ok');
        expect(within(section).getByText('Store errors').nextSibling).toHaveTextContent('2');
        expect(within(section).getByText(/Last run started/)).toHaveTextContent('Last run started 1 h ago for 10 s from node-a-name');
    });

    it('shows an overlap as a failure', async () => {
        const server = statusServer(() => wireStatus({stress: {running: false, seconds: 5, acquisitions: {}, overlaps: 2, overlap_seen: true}}));
        renderPanel(server, noPoll);
        const section = await screen.findByRole('region', {name: 'Stress demo'});
        expect(within(section).getByText('2 seen')).toHaveClass('cd-failed');
    });
});

describe('form validation', () => {
    const badNames = ['', 'has space', 'slash/y', 'ünïcode', 'x'.repeat(65), 'semi;colon', '.', 'a..b'];
    it.each(badNames)('rejects lock name %j before any request, showing the rule', async (name) => {
        const server = await renderWith(() => ({status: 200, body: wireLock('x', 'node-a')}));
        await typeInto(screen.getByLabelText('Lock name'), name);
        await click(screen.getByRole('button', {name: 'Take lock'}));
        expect(posts(server)).toEqual([]);
        const input = screen.getByLabelText('Lock name');
        expect(input).toHaveAttribute('aria-invalid', 'true');
        expect(input).toHaveAccessibleDescription('A lock name is 1–64 characters: letters, digits, ".", "_" or "-"; not "." alone and without "..".');
        expect(screen.getByRole('alert')).toHaveTextContent('A lock name is 1–64 characters');
    });

    const badHolds = ['0', '601', '-5', '1.5', 'abc', ''];
    it.each(badHolds)('rejects hold time %j before any request', async (seconds) => {
        const server = await renderWith(() => ({status: 200, body: wireLock('x', 'node-a')}));
        await typeInto(screen.getByLabelText('Lock name'), 'fine-name');
        await typeInto(screen.getByLabelText('Hold for (seconds)'), seconds);
        await click(screen.getByRole('button', {name: 'Take lock'}));
        expect(posts(server)).toEqual([]);
        expect(screen.getByLabelText('Hold for (seconds)')).toHaveAccessibleDescription('Hold time is a whole number of seconds from 1 to 600.');
        expect(screen.getByLabelText('Lock name')).toHaveAttribute('aria-invalid', 'false');
    });

    const goodInputs: Array<[string, string]> = [['a', '1'], ['A.b_c-9', '600'], ['x'.repeat(64), '30']];
    it.each(goodInputs)('accepts lock name %j for %s s at the limits', async (name, seconds) => {
        const server = await renderWith(() => ({status: 200, body: wireLock(name, 'node-a')}));
        await typeInto(screen.getByLabelText('Lock name'), name);
        await typeInto(screen.getByLabelText('Hold for (seconds)'), seconds);
        await click(screen.getByRole('button', {name: 'Take lock'}));
        expect(posts(server)).toHaveLength(1);
        expect(posts(server)[0].body).toEqual({hold_seconds: Number(seconds), wait_seconds: 0});
    });

    it.each(['0', '61', '2.5', 'ten'])('rejects stress duration %j before any request', async (seconds) => {
        const server = await renderWith(() => ({status: 202}));
        await typeInto(screen.getByLabelText('Duration (seconds)'), seconds);
        await click(screen.getByRole('button', {name: 'Start stress demo'}));
        expect(posts(server)).toEqual([]);
        expect(screen.getByLabelText('Duration (seconds)')).toHaveAccessibleDescription('Stress duration is a whole number of seconds from 1 to 60.');
    });

    it.each(['1', '60'])('accepts stress duration %s', async (seconds) => {
        const server = await renderWith(() => ({status: 202}));
        await typeInto(screen.getByLabelText('Duration (seconds)'), seconds);
        await click(screen.getByRole('button', {name: 'Start stress demo'}));
        expect(posts(server).map((r) => r.body)).toEqual([{seconds: Number(seconds)}]);
    });
});
