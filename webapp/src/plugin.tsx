import React from 'react';

import {createClient} from './api/client';
import {consoleSiteUrl} from './api/siteUrl';
import {createChangeFeed} from './status/changeFeed';
import {statusChangedEvent} from './status/statusEvent';
import type {MattermostPlugin, PluginRegistry, WebAppStore} from './types/mattermost';
import {Panel} from './ui/Panel';

export class ClusterDemoPlugin implements MattermostPlugin {
    initialize(registry: PluginRegistry, store: WebAppStore): void {
        const client = createClient({siteUrl: () => consoleSiteUrl(store.getState())});
        const changes = createChangeFeed();

        // The System Console passes the setting's props; the panel needs none.
        const ClusterStatusSetting = () => (
            <Panel
                client={client}
                changes={changes}
            />
        );
        ClusterStatusSetting.displayName = 'ClusterStatusSetting';

        registry.registerAdminConsoleCustomSetting('ClusterStatus', ClusterStatusSetting, {showTitle: true});
        registry.registerWebSocketEventHandler(statusChangedEvent, () => changes.notify());

        // Events missed while the websocket was down: catch up on reconnect.
        registry.registerReconnectHandler(() => changes.notify());
    }
}
