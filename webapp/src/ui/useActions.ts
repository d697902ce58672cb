import {useCallback, useEffect, useRef, useState} from 'react';

// The panel's controls share one way of running a request: the control is
// busy (disabled) while it is out, success is announced and triggers a
// refetch, and a failure is shown next to the section it came from.

export interface ActionError {
    key: string;
    message: string;
}

export interface Actions {
    isBusy(key: string): boolean;
    error: ActionError | null;
    run(key: string, work: () => Promise<string>): Promise<boolean>;
}

export function useActions(announce: (message: string) => void, afterSuccess: () => void): Actions {
    const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());
    const [error, setError] = useState<ActionError | null>(null);
    const mounted = useRef(true);
    useEffect(() => () => {
        mounted.current = false;
    }, []);

    const run = useCallback(async (key: string, work: () => Promise<string>) => {
        setBusy((prev) => new Set(prev).add(key));
        setError(null);
        let ok = false;
        try {
            const message = await work();
            ok = true;
            if (mounted.current) {
                announce(message);
                afterSuccess();
            }
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (mounted.current) {
                setError({key, message});
                announce(message);
            }
        } finally {
            if (mounted.current) {
                setBusy((prev) => {
                    const next = new Set(prev);
                    next.delete(key);
                    return next;
                });
            }
        }
        return ok;
    }, [announce, afterSuccess]);

    const isBusy = useCallback((key: string) => busy.has(key), [busy]);
    return {isBusy, error, run};
}

// Keys name the section first ("lock:", "job:", "stress"), so each section
// shows only its own failures.
export function errorFor(actions: Actions, section: string): string | null {
    const err = actions.error;
    return err !== null && (err.key === section || err.key.startsWith(`${section}:`)) ? err.message : null;
}
