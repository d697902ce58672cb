// The small part of the Mattermost web app's plugin API this plugin uses
// (mattermost-webapp 5.x, plugins/registry.js).
import type React from 'react';

export interface WebSocketMessage {
    event: string;
    data: Record<string, unknown>;
}

export interface PluginRegistry {
    registerAdminConsoleCustomSetting(
        key: string,
        component: React.ComponentType<Record<string, unknown>>,
        options?: {showTitle?: boolean},
    ): void;
    registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
    registerReconnectHandler(handler: () => void): void;
}

export interface WebAppStore {
    getState(): unknown;
}

export interface MattermostPlugin {
    initialize(registry: PluginRegistry, store: WebAppStore): void;
    uninitialize?(): void;
}

declare global {
    interface Window {
        registerPlugin(id: string, plugin: MattermostPlugin): void;
        basename?: string;
    }
}
