import type {ChangeFeed} from './changeFeed';
import {statusChangedEvent} from './statusEvent';

// The standalone dashboard has no web app to hand it websocket events, so it
// opens Mattermost's websocket itself (same origin, authenticated by the
// session cookie) and turns the plugin's status_changed events into change
// notices. Polling stays on regardless: this only makes changes show sooner.

const firstRetryMs = 1000;
const maxRetryMs = 30000;

export interface WebSocketLike {
    onopen: ((ev: Event) => void) | null;
    onmessage: ((ev: MessageEvent) => void) | null;
    onclose: ((ev: CloseEvent) => void) | null;
    close(): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export function webSocketUrl(siteUrl: string): string {
    return `${siteUrl.replace(/^http/, 'ws')}/api/v4/websocket`;
}

function isStatusChanged(data: unknown): boolean {
    if (typeof data !== 'string') {
        return false;
    }
    try {
        const msg = JSON.parse(data) as {event?: unknown};
        return msg.event === statusChangedEvent;
    } catch {
        return false;
    }
}

// Connects, and reconnects with backoff after a drop; a reconnect is itself a
// change notice, since events may have been missed meanwhile. Returns stop.
export function followStatusEvents(
    url: string,
    feed: ChangeFeed,
    open: WebSocketFactory = (u) => new WebSocket(u),
): () => void {
    let socket: WebSocketLike | null = null;
    let retryMs = firstRetryMs;
    let timer: number | undefined;
    let stopped = false;
    let connectedBefore = false;

    const connect = () => {
        try {
            socket = open(url);
        } catch {
            schedule();
            return;
        }
        socket.onopen = () => {
            retryMs = firstRetryMs;
            if (connectedBefore) {
                feed.notify();
            }
            connectedBefore = true;
        };
        socket.onmessage = (ev) => {
            if (isStatusChanged(ev.data)) {
                feed.notify();
            }
        };
        socket.onclose = () => {
            socket = null;
            schedule();
        };
    };

    const schedule = () => {
        if (stopped) {
            return;
        }
        timer = window.setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, maxRetryMs);
    };

    connect();
    return () => {
        stopped = true;
        window.clearTimeout(timer);
        if (socket) {
            socket.onclose = null;
            socket.close();
        }
    };
}
