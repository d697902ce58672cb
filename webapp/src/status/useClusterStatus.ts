import {useCallback, useEffect, useRef, useState} from 'react';

import {ApiError, type ClusterClient} from '../api/client';
import type {Status} from '../api/types';

import type {ChangeFeed} from './changeFeed';
import {usePageVisible} from './usePageVisible';

export const defaultPollMs = 2000;

export interface ClusterStatusState {
    // The last status the server sent; kept on screen when a later fetch fails.
    status: Status | null;
    error: Error | null;
    loading: boolean;

    // Server clock minus browser clock when the status arrived, so countdowns
    // follow the server's idea of expiry rather than this machine's clock.
    clockSkewMs: number;
}

export interface ClusterStatus extends ClusterStatusState {
    refresh: () => void;

    // Polling stopped after a 401 or 403.
    halted: boolean;
}

// 401 and 403 will not mend themselves on the next tick: polling stops until
// something suggests they may have (a "try again", the window regaining
// focus, a websocket event, the tab shown again).
export function isAuthFailure(err: Error | null): boolean {
    return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

function asError(err: unknown): Error {
    return err instanceof Error ? err : new ApiError(0, String(err));
}

// Fetches GET /status on mount, whenever the change feed says so, and every
// pollMs while the page is visible (the websocket does not reach every node's
// changes on an unlicensed cluster, so polling is the fallback). At most one
// request is in flight; a change notice during one queues exactly one more.
// After a 401 or 403 it stops polling; focus and change notices still fetch,
// and a success resumes polling.
export function useClusterStatus(client: ClusterClient, changes?: ChangeFeed, pollMs = defaultPollMs): ClusterStatus {
    const [state, setState] = useState<ClusterStatusState>({status: null, error: null, loading: true, clockSkewMs: 0});
    const inflight = useRef<AbortController | null>(null);
    const queued = useRef(false);
    const visible = usePageVisible();

    const load = useCallback((queueIfBusy: boolean) => {
        if (inflight.current) {
            queued.current = queued.current || queueIfBusy;
            return;
        }
        const controller = new AbortController();
        inflight.current = controller;
        client.getStatus(controller.signal).then((status) => {
            if (controller.signal.aborted) {
                return;
            }
            const clockSkewMs = status.generatedAt === null ? 0 : status.generatedAt - Date.now();
            setState({status, error: null, loading: false, clockSkewMs});
        }, (err: unknown) => {
            if (controller.signal.aborted) {
                return;
            }
            setState((prev) => ({...prev, error: asError(err), loading: false}));
        }).finally(() => {
            if (inflight.current !== controller) {
                return;
            }
            inflight.current = null;
            if (queued.current) {
                queued.current = false;
                load(false);
            }
        });
    }, [client]);

    useEffect(() => {
        load(true);
        return () => {
            inflight.current?.abort();
            inflight.current = null;
            queued.current = false;
        };
    }, [load]);

    useEffect(() => changes?.subscribe(() => load(true)), [changes, load]);

    const halted = isAuthFailure(state.error);
    useEffect(() => {
        if (!visible || halted) {
            return undefined;
        }
        const timer = window.setInterval(() => load(false), pollMs);
        return () => window.clearInterval(timer);
    }, [visible, halted, pollMs, load]);

    // The user may have logged in again in another tab, or been given the
    // permission: coming back to this window is the moment to look.
    useEffect(() => {
        if (!halted) {
            return undefined;
        }
        const onFocus = () => load(true);
        window.addEventListener('focus', onFocus);
        return () => window.removeEventListener('focus', onFocus);
    }, [halted, load]);

    // Coming back to a hidden tab: show fresh data at once, not after a tick.
    const wasVisible = useRef(visible);
    useEffect(() => {
        if (visible && !wasVisible.current) {
            load(true);
        }
        wasVisible.current = visible;
    }, [visible, load]);

    const refresh = useCallback(() => load(true), [load]);
    return {...state, refresh, halted};
}
