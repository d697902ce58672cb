import {act, fireEvent, screen} from '@testing-library/react';

import {createChangeFeed} from '../src/status/changeFeed';
import {pausedText} from '../src/ui/Panel';

import {t0, wireStatus} from './fixtures';
import {fakeServer, statusServer} from './fakeServer';
import {advance, flush, setVisibility, unmountAndSettle} from './flush';
import {renderPanel} from './renderPanel';

beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(t0);
    setVisibility('visible');
});

afterEach(async () => {
    await unmountAndSettle();
});

const statusCalls = (server: ReturnType<typeof statusServer>) => server.calls('GET', '/status').length;

describe('refreshing', () => {
    it('polls every 2 s by default', async () => {
        const server = statusServer(wireStatus);
        renderPanel(server);
        await flush();
        expect(statusCalls(server)).toBe(1);
        await advance(1999);
        expect(statusCalls(server)).toBe(1);
        await advance(1);
        expect(statusCalls(server)).toBe(2);
        await advance(2000);
        expect(statusCalls(server)).toBe(3);
    });

    it('pauses polling while the tab is hidden and refreshes at once when shown', async () => {
        const server = statusServer(wireStatus);
        renderPanel(server);
        await flush();
        setVisibility('hidden');
        await advance(20000);
        expect(statusCalls(server)).toBe(1);

        setVisibility('visible');
        await flush();
        expect(statusCalls(server)).toBe(2);
        await advance(2000);
        expect(statusCalls(server)).toBe(3);
    });

    it('refetches when the change feed (the websocket event) fires', async () => {
        const server = statusServer(wireStatus);
        const changes = createChangeFeed();
        renderPanel(server, {changes, pollMs: 3600000});
        await flush();
        act(() => changes.notify());
        await flush();
        expect(statusCalls(server)).toBe(2);
    });

    it('keeps one request in flight: changes during it queue exactly one more', async () => {
        const answers: Array<() => void> = [];
        const server = fakeServer((req) => {
            if (req.path !== '/status') {
                return {status: 200, body: {name: 'quick', history: []}};
            }
            return new Promise((resolve) => answers.push(() => resolve({status: 200, body: wireStatus()})));
        });
        const changes = createChangeFeed();
        renderPanel(server, {changes});
        await flush();
        expect(answers).toHaveLength(1);

        act(() => {
            changes.notify();
            changes.notify();
        });
        await advance(6000); // three poll ticks while the first request hangs
        expect(answers).toHaveLength(1);

        answers[0]();
        await flush();
        expect(answers).toHaveLength(2); // the one queued refresh, not five
        answers[1]();
        await flush();
        expect(answers).toHaveLength(2);
    });

    it('stops polling and aborts when unmounted', async () => {
        const server = statusServer(wireStatus);
        const {unmount} = renderPanel(server);
        await flush();
        unmount();
        await advance(10000);
        expect(statusCalls(server)).toBe(1);
    });
});

describe('polling after the server refuses the session', () => {
    // One server whose answer the test switches: refused (401 or 403) or fine.
    function switchable(refusal: number) {
        let refusing = true;
        const server = fakeServer((req) => {
            if (req.path !== '/status') {
                return {status: 200, body: {name: 'quick', history: []}};
            }
            return refusing ? {status: refusal, body: {error: 'refused'}} : {status: 200, body: wireStatus()};
        });
        return {server, accept: () => {
            refusing = false;
        }};
    }

    const calls = (server: ReturnType<typeof fakeServer>) => server.calls('GET', '/status').length;

    // Clicks are fireEvent's: userEvent waits on timers, which are fake here.

    it.each([401, 403])('stops polling after a %i and offers "Try again", which resumes it', async (refusal) => {
        const {server, accept} = switchable(refusal);
        renderPanel(server);
        await flush();
        expect(calls(server)).toBe(1);
        // A panel that kept polling would have asked 30 more times.
        await advance(60000);
        expect(calls(server)).toBe(1);
        expect(screen.getByText(pausedText)).toBeInTheDocument();

        accept();
        act(() => {
            fireEvent.click(screen.getByRole('button', {name: 'Try again'}));
        });
        await flush();
        expect(calls(server)).toBe(2);
        expect(screen.queryByText(pausedText)).not.toBeInTheDocument();
        await advance(2000);
        expect(calls(server)).toBe(3);
    });

    it('stays stopped when "Try again" is refused again', async () => {
        const {server} = switchable(401);
        renderPanel(server);
        await flush();
        act(() => {
            fireEvent.click(screen.getByRole('button', {name: 'Try again'}));
        });
        await flush();
        expect(calls(server)).toBe(2);
        await advance(60000);
        expect(calls(server)).toBe(2);
    });

    it('resumes when the window regains focus', async () => {
        const {server, accept} = switchable(403);
        renderPanel(server);
        await flush();
        await advance(10000);
        expect(calls(server)).toBe(1);

        accept();
        act(() => {
            window.dispatchEvent(new Event('focus'));
        });
        await flush();
        expect(calls(server)).toBe(2);
        await advance(2000);
        expect(calls(server)).toBe(3);
    });

    it('does not fetch on focus while polling normally', async () => {
        const server = statusServer(wireStatus);
        renderPanel(server);
        await flush();
        act(() => {
            window.dispatchEvent(new Event('focus'));
        });
        await flush();
        expect(statusCalls(server)).toBe(1);
    });

    it('resumes on a websocket status event', async () => {
        const {server, accept} = switchable(401);
        const changes = createChangeFeed();
        renderPanel(server, {changes});
        await flush();
        await advance(10000);
        expect(calls(server)).toBe(1);

        accept();
        act(() => changes.notify());
        await flush();
        expect(calls(server)).toBe(2);
        await advance(2000);
        expect(calls(server)).toBe(3);
    });
});
