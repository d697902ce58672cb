// A change feed carries "something changed, refetch" from where the news
// arrives (the web app's websocket, in the plugin bundle) to every panel that
// is open. It carries no data: the panel always rereads the admin-only API.

export type ChangeListener = () => void;

export interface ChangeFeed {
    subscribe(listener: ChangeListener): () => void;
    notify(): void;
}

export function createChangeFeed(): ChangeFeed {
    const listeners = new Set<ChangeListener>();
    return {
        subscribe(listener) {
            listeners.add(listener);
            return () => {
                listeners.delete(listener);
            };
        },
        notify() {
            // A copy, so a listener that unsubscribes does not skip another.
            for (const listener of Array.from(listeners)) {
                listener();
            }
        },
    };
}
