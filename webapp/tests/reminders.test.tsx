import {render, screen, waitFor, within} from '@testing-library/react';
import React from 'react';

import {createClient} from '../src/api/client';
import {RemindersSection} from '../src/ui/RemindersSection';

import {type FakeServer, fakeServer, type Handler} from './fakeServer';
import {click, typeInto} from './user';

const now = Date.parse('2026-12-01T12:00:00.000Z');
const noPoll = 3600000;

const pending = {
    key: 'reminder-p', text: 'stand up', channel_id: 'c', run_at: '2026-12-01T12:00:30.000Z',
    scheduled_by: 'node-a', pending: true, ran_by: null, started_at: null, finished_at: null, attempts: 0, error: null, cancelled: false,
};

// A finished reminder as an older server might send it: only the fields
// the panel needs, the rest absent.
const finished = {key: 'reminder-f', text: 'water plants', run_at: '2026-12-01T11:59:00.000Z', scheduled_by: 'node-a', pending: false, ran_by: 'node-b', finished_at: '2026-12-01T11:59:01.000Z'};

function serve(list: unknown, other?: Handler): FakeServer {
    return fakeServer((req) => {
        if (req.method === 'GET' && req.path === '/reminders') {
            return {status: 200, body: list};
        }
        return other ? other(req) : {status: 404, body: {error: 'no route'}};
    });
}

function renderSection(server: FakeServer) {
    const client = createClient({siteUrl: () => 'http://mm.example.com', fetch: server.fetch as unknown as typeof fetch, csrfToken: () => ''});
    return render(
        <RemindersSection
            client={client}
            now={now}
            pollMs={noPoll}
        />,
    );
}

describe('reminders', () => {
    it('lists a pending reminder with who scheduled it, and who ran a finished one', async () => {
        renderSection(serve({reminders: [pending, finished]}));
        const rows = await screen.findAllByRole('row');
        expect(rows).toHaveLength(3);
        expect(within(rows[1]).getByText('stand up')).toBeInTheDocument();
        expect(rows[1]).toHaveTextContent('node-a');
        expect(rows[1]).toHaveTextContent('Pending');
        expect(rows[1].querySelector('time')).toHaveAttribute('dateTime', pending.run_at);
        expect(rows[2]).toHaveTextContent('water plants');
        expect(rows[2]).toHaveTextContent('node-b');
        expect(rows[2]).toHaveTextContent('Posted');
    });

    it('says an answer it does not understand is an error, not an empty list', async () => {
        renderSection(serve({reminders: [{text: 'no key'}]}));
        expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the reminders');
        expect(screen.queryByRole('table')).not.toBeInTheDocument();
        expect(screen.queryByText('No reminders yet.')).not.toBeInTheDocument();
    });

    it('refuses a bad delay or text in the form and sends nothing', async () => {
        const server = serve({reminders: []});
        renderSection(server);
        await screen.findByText('No reminders yet.');
        for (const bad of ['0', '86401', '1.5', 'soon']) {
            await typeInto(screen.getByLabelText('Post in (seconds)'), bad);
            await typeInto(screen.getByLabelText('Text'), 'x');
            await click(screen.getByRole('button', {name: 'Schedule reminder'}));
            expect(screen.getByLabelText('Post in (seconds)')).toHaveAttribute('aria-invalid', 'true');
        }
        await typeInto(screen.getByLabelText('Post in (seconds)'), '5');
        await typeInto(screen.getByLabelText('Text'), '   ');
        await click(screen.getByRole('button', {name: 'Schedule reminder'}));
        expect(screen.getByLabelText('Text')).toHaveAttribute('aria-invalid', 'true');
        expect(server.calls('POST', '/reminders')).toHaveLength(0);
    });

    it('schedules from the form and reads the list again', async () => {
        let list: unknown[] = [];
        const wrapped = fakeServer((req) => {
            if (req.method === 'GET' && req.path === '/reminders') {
                return {status: 200, body: {reminders: list}};
            }
            if (req.method === 'POST' && req.path === '/reminders') {
                list = [pending];
                return {status: 202, body: pending};
            }
            return {status: 404, body: {error: 'no route'}};
        });
        renderSection(wrapped);
        await screen.findByText('No reminders yet.');
        await typeInto(screen.getByLabelText('Post in (seconds)'), '30');
        await typeInto(screen.getByLabelText('Text'), 'stand up');
        await click(screen.getByRole('button', {name: 'Schedule reminder'}));
        expect(wrapped.calls('POST', '/reminders').map((r) => r.body)).toEqual([{seconds: 30, text: 'stand up'}]);
        await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(2));
    });

    it('shows the server refusal', async () => {
        const server = fakeServer((req) => {
            if (req.method === 'GET') {
                return {status: 200, body: {reminders: []}};
            }
            return {status: 400, body: {error: 'invalid reminder: no channel: give one, or set the digest channel in the plugin settings'}};
        });
        renderSection(server);
        await screen.findByText('No reminders yet.');
        await typeInto(screen.getByLabelText('Text'), 'x');
        await click(screen.getByRole('button', {name: 'Schedule reminder'}));
        expect(await screen.findByRole('alert')).toHaveTextContent('set the digest channel');
    });
});
