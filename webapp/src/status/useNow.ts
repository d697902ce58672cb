import {useEffect, useState} from 'react';

// The current time, with a re-render every intervalMs: one clock drives every
// countdown and "ago" on the panel, so they all move together. The time is
// read at render, so a render caused by new data is exact too, not up to one
// interval stale.
export function useNow(intervalMs: number, running = true): number {
    const [, setTick] = useState(0);
    useEffect(() => {
        if (!running) {
            return undefined;
        }
        const timer = window.setInterval(() => setTick((tick) => tick + 1), intervalMs);
        return () => window.clearInterval(timer);
    }, [intervalMs, running]);
    return Date.now();
}
