import {act, render, screen} from '@testing-library/react';
import React from 'react';

import {ClusterDemoPlugin} from '../src/plugin';
import {statusChangedEvent} from '../src/status/statusEvent';
import type {PluginRegistry, WebSocketMessage} from '../src/types/mattermost';

import {wireStatus} from './fixtures';
import {statusServer} from './fakeServer';
import {flush} from './flush';

// A registry that records what the plugin registers, as the web app's would.
function recordingRegistry() {
    const settings = new Map<string, {component: React.ComponentType<Record<string, unknown>>; options: unknown}>();
    const wsHandlers = new Map<string, (msg: WebSocketMessage) => void>();
    const reconnect: Array<() => void> = [];
    const registry: PluginRegistry = {
        registerAdminConsoleCustomSetting: (key, component, options) => settings.set(key, {component, options}),
        registerWebSocketEventHandler: (event, handler) => wsHandlers.set(event, handler),
        registerReconnectHandler: (handler) => reconnect.push(handler),
    };
    return {registry, settings, wsHandlers, reconnect};
}

describe('plugin registration', () => {
    let server: ReturnType<typeof statusServer>;
    beforeEach(() => {
        server = statusServer(wireStatus);
        window.fetch = server.fetch as unknown as typeof fetch;
    });

    it('registers the ClusterStatus setting and the status_changed handler', () => {
        const {registry, settings, wsHandlers} = recordingRegistry();
        new ClusterDemoPlugin().initialize(registry, {getState: () => ({})});
        expect(Array.from(settings.keys())).toEqual(['ClusterStatus']);
        expect(settings.get('ClusterStatus')?.options).toEqual({showTitle: true});
        expect(statusChangedEvent).toBe('custom_clusterdemo_status_changed');
        expect(Array.from(wsHandlers.keys())).toEqual([statusChangedEvent]);
    });

    it('renders the panel against the site URL from the store, and refetches on the websocket event and on reconnect', async () => {
        const {registry, settings, wsHandlers, reconnect} = recordingRegistry();
        const state = {entities: {general: {config: {SiteURL: 'https://chat.example.com/team-chat/'}}}};
        new ClusterDemoPlugin().initialize(registry, {getState: () => state});
        const Setting = settings.get('ClusterStatus')!.component;

        // The System Console passes its own props; the panel ignores them.
        render(<Setting id='ClusterStatus' value={null} disabled={false}/>);
        expect(await screen.findByRole('table', {name: 'Nodes'})).toBeInTheDocument();
        expect(server.requests[0].url).toBe('https://chat.example.com/team-chat/plugins/clusterdemo/api/v1/status');

        const before = server.calls('GET', '/status').length;
        act(() => wsHandlers.get(statusChangedEvent)!({event: statusChangedEvent, data: {kind: 'lock', name: 'x'}}));
        await flush();
        expect(server.calls('GET', '/status').length).toBe(before + 1);

        act(() => reconnect[0]());
        await flush();
        expect(server.calls('GET', '/status').length).toBe(before + 2);
    });
});
