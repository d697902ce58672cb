import {act, screen} from '@testing-library/react';

import {createChangeFeed} from '../src/status/changeFeed';

import {wireJob, wireLock, wireNode, wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {flush} from './flush';
import {renderPanel} from './renderPanel';

// What changed is told through the panel's aria-live region.
describe('announcements', () => {
    it('tells lock, node and failed-job changes, and nothing on the first load', async () => {
        const first = wireStatus({
            locks: [wireLock('demo-1', null), wireLock('moving', 'node-a'), wireLock('ending', 'node-b')],
            jobs: [wireJob('quick')],
        });
        const second = wireStatus({
            nodes: [wireNode('node-a', {self: true}), wireNode('node-b', {alive: false}), wireNode('node-c')],
            locks: [wireLock('demo-1', 'node-b'), wireLock('moving', 'node-c'), wireLock('ending', null)],
            jobs: [wireJob('quick', {last_finished_at: '2026-01-02T03:04:06.000Z', last_error: 'lease lost', last_node: 'node-c-name'})],
        });
        let current: unknown = first;
        const changes = createChangeFeed();
        renderPanel(statusServer(() => current), {changes, pollMs: 3600000});
        await screen.findByText('moving');
        expect(screen.getByTestId('cd-live')).toHaveTextContent(/^$/);

        current = second;
        act(() => changes.notify());
        await flush();
        await screen.findByText('Gone');
        expect(screen.getByTestId('cd-live')).toHaveTextContent([
            'Lock demo-1 is now held by node-b-name.',
            'Lock moving is now held by node-c-name.',
            'Lock ending is free.',
            'Node node-b-name is gone.',
            'Node node-c-name joined.',
            'Job quick failed on node-c-name: lease lost',
        ].join(' '));
    });
});
