import {screen, within} from '@testing-library/react';

import {decodeSettings, decodeStatus} from '../src/api/decode';
import {defaultActionsOffReason} from '../src/ui/actionsOff';

import {iso, t0, wireLock, wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {renderPanel} from './renderPanel';

const noPoll = {pollMs: 3600000};

function show(over: Record<string, unknown>) {
    renderPanel(statusServer(() => wireStatus({locks: [wireLock('mine', 'node-a')], ...over})), noPoll);
}

describe('settings in use', () => {
    it('lists what the plugin runs with, by the System Console\'s names and order', async () => {
        show({settings: {running: {DemoWorkload: true, QuickIntervalSeconds: 10, DigestChannelID: ''}}});
        const table = await screen.findByRole('table', {name: 'Settings in use'});
        expect(within(table).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual([
            'Quick job interval (seconds)10',
            'Digest channel ID(empty)',
            'Run the demo jobstrue',
        ]);
    });

    it('says which saved value was refused and why', async () => {
        show({settings: {
            running: {QuickIntervalSeconds: 10},
            refused: {key: 'QuickIntervalSeconds', value: 1, reason: 'It must be from 2 to 86400 seconds.', at: iso(t0 - 60000)},
        }});
        await screen.findByRole('table', {name: 'Settings in use'});
        expect(screen.getByText(/were refused/)).toHaveTextContent(
            'The last saved settings were refused (1 min ago): Quick job interval (seconds) cannot be "1". It must be from 2 to 86400 seconds. ' +
            'The plugin keeps running with the settings listed under "Settings in use", whatever the System Console shows.',
        );
    });

    it('shows nothing about settings when the server does not send them', async () => {
        show({});
        await screen.findByRole('table', {name: 'Locks'});
        expect(screen.queryByRole('heading', {name: 'Settings in use'})).not.toBeInTheDocument();
    });

    it('decodes leniently: odd values are left out, a refusal without key or reason ignored', () => {
        expect(decodeSettings({running: {A: 1, B: {nested: true}, C: [1], D: null}, refused: {value: 3}})).toEqual({
            running: [{key: 'A', value: 1}, {key: 'D', value: null}],
            refused: null,
        });
        expect(decodeSettings('yes')).toBeNull();
    });
});

describe('production switch', () => {
    it('keeps every control when the server does not say (an older server)', async () => {
        show({});
        await screen.findByRole('table', {name: 'Locks'});
        expect(decodeStatus(wireStatus()).demoActions).toEqual({enabled: true, reason: null});
        expect(screen.getByRole('button', {name: 'Take lock'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Release lock mine'})).toBeEnabled();
        expect(screen.getByRole('button', {name: 'Run job quick now'})).toBeEnabled();
    });

    it('hides or disables every mutating control, and says why', async () => {
        show({demo_actions_enabled: false, demo_actions_disabled_reason: 'Switched off for production.'});
        await screen.findByRole('table', {name: 'Locks'});
        expect(screen.queryByRole('button', {name: 'Take lock'})).not.toBeInTheDocument();
        expect(screen.queryByRole('button', {name: 'Release lock mine'})).not.toBeInTheDocument();
        const runNow = screen.getByRole('button', {name: 'Run job quick now'});
        expect(runNow).toBeDisabled();
        expect(runNow).toHaveAccessibleDescription(
            'Taking and releasing demo locks, running jobs now, stress runs and reminders are switched off on this server: Switched off for production. Status stays readable.',
        );
        expect(screen.getByRole('button', {name: 'Start stress demo'})).toBeDisabled();
        expect(await screen.findByText('Scheduling reminders is switched off on this server.')).toBeInTheDocument();
        expect(screen.queryByRole('button', {name: 'Schedule reminder'})).not.toBeInTheDocument();
        // Status stays: the lock is still listed.
        expect(within(screen.getByRole('table', {name: 'Locks'})).getByText('mine')).toBeInTheDocument();
    });

    it('gives a reason of its own when the server gives none', async () => {
        show({demo_actions_enabled: false});
        await screen.findByRole('table', {name: 'Locks'});
        expect(screen.getByText(/are switched off on this server/)).toHaveTextContent(defaultActionsOffReason);
    });
});
