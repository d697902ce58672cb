import {act, screen, within} from '@testing-library/react';

import {createChangeFeed} from '../src/status/changeFeed';

import {emptyStatus, wireLock, wireStatus} from './fixtures';
import {fakeServer, type Reply, statusServer} from './fakeServer';
import {renderPanel} from './renderPanel';
import {click} from './user';

// Polling is pushed out of the way here; polling.test.tsx covers it.
const noPoll = {pollMs: 3600000};

describe('panel states', () => {
    it('shows loading until the first status arrives', async () => {
        let answer: (v: {status: number; body: unknown}) => void = () => undefined;
        const server = fakeServer(() => new Promise((resolve) => {
            answer = resolve;
        }));
        renderPanel(server, noPoll);
        expect(screen.getByText('Loading cluster status…')).toBeInTheDocument();
        expect(screen.queryByRole('table')).not.toBeInTheDocument();

        await act(async () => answer({status: 200, body: wireStatus()}));
        expect(await screen.findByRole('table', {name: 'Nodes'})).toBeInTheDocument();
        expect(screen.queryByText('Loading cluster status…')).not.toBeInTheDocument();
    });

    it('shows what it has and says what is empty', async () => {
        renderPanel(statusServer(emptyStatus), noPoll);
        expect(await screen.findByText('No locks yet. Take a demo lock below.')).toBeInTheDocument();
        expect(screen.getByText('No jobs are scheduled.')).toBeInTheDocument();
        expect(screen.getByText('No stress run yet.')).toBeInTheDocument();
        const nodes = screen.getByRole('table', {name: 'Nodes'});
        expect(within(nodes).getAllByRole('row')).toHaveLength(2); // header + the answering node
    });

    it('tells a non-admin that only system admins can see cluster status', async () => {
        const server = fakeServer(() => ({status: 403, body: {error: 'You do not have the manage_system permission.'}}));
        renderPanel(server, noPoll);
        expect(await screen.findByRole('alert')).toHaveTextContent('Only system admins can see cluster status');
        expect(screen.queryByRole('table')).not.toBeInTheDocument();
        expect(screen.queryByRole('button', {name: 'Retry'})).not.toBeInTheDocument();
    });

    it('hides what it showed once the server says the user is no longer an admin', async () => {
        let reply: () => Reply = () => ({status: 200, body: wireStatus()});
        const changes = createChangeFeed();
        renderPanel(statusServerWith(() => reply()), {...noPoll, changes});
        expect(await screen.findByText('demo-1')).toBeInTheDocument();

        reply = () => ({status: 403, body: {error: 'forbidden'}});
        act(() => changes.notify());
        expect(await screen.findByText('Only system admins can see cluster status')).toBeInTheDocument();
        expect(screen.queryByText('demo-1')).not.toBeInTheDocument();
        expect(screen.queryByRole('table')).not.toBeInTheDocument();
    });

    it('keeps the last good data on a 5xx, offers a retry, and recovers', async () => {
        let reply: () => Reply = () => ({status: 200, body: wireStatus()});
        const server = statusServerWith(() => reply());
        const changes = createChangeFeed();
        renderPanel(server, {...noPoll, changes});
        expect(await screen.findByText('demo-1')).toBeInTheDocument();

        reply = () => ({status: 502, text: '<html>Bad Gateway</html>'});
        act(() => changes.notify());
        const banner = await screen.findByText(/Could not load the cluster status/);
        expect(banner).toHaveTextContent('The server answered with status 502.');
        expect(banner).toHaveTextContent(/Showing the last status received \(generated (just now|\d+ s ago)\)\./);
        expect(screen.getByText('demo-1')).toBeInTheDocument();

        reply = () => ({status: 200, body: wireStatus({locks: [wireLock('after-retry', 'node-a')]})});
        await click(screen.getByRole('button', {name: 'Retry'}));
        expect(await screen.findByText('after-retry')).toBeInTheDocument();
        expect(screen.queryByText(/Could not load the cluster status/)).not.toBeInTheDocument();
        expect(screen.queryByText('demo-1')).not.toBeInTheDocument();
        expect(server.calls('GET', '/status')).toHaveLength(3);
    });

    it('shows the server message of an error and a retry when nothing was ever loaded', async () => {
        let reply: () => Reply = () => ({status: 500, body: {error: 'KV store unavailable'}});
        const server = statusServerWith(() => reply());
        renderPanel(server, noPoll);
        const banner = await screen.findByRole('alert');
        expect(banner).toHaveTextContent('Could not load the cluster status: KV store unavailable');
        expect(banner).not.toHaveTextContent('Showing the last status');

        reply = () => ({status: 200, body: wireStatus()});
        await click(screen.getByRole('button', {name: 'Retry'}));
        expect(await screen.findByRole('table', {name: 'Locks'})).toBeInTheDocument();
    });

    it('reports a network failure like a server error', async () => {
        const server = fakeServer(() => {
            throw new TypeError('Failed to fetch');
        });
        renderPanel(server, noPoll);
        expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server: Failed to fetch');
        expect(screen.getByRole('button', {name: 'Retry'})).toBeEnabled();
    });

    it('treats an answer it cannot understand as an error, not a crash', async () => {
        const server = fakeServer(() => ({status: 200, body: {nodes: 'not a list'}}));
        renderPanel(server, noPoll);
        expect(await screen.findByRole('alert')).toHaveTextContent("The server's answer was not understood");
    });
});

function statusServerWith(status: () => Reply) {
    return fakeServer((req) => (req.path === '/status' ? status() : {status: 200, body: {name: 'quick', history: []}}));
}
