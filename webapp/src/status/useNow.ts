import {useEffect, useState} from 'react';

// The current time, re-read every intervalMs: one clock drives every countdown
// and "ago" on the panel, so they all move together.
export function useNow(intervalMs: number, running = true): number {
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        if (!running) {
            return undefined;
        }
        setNow(Date.now());
        const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
        return () => window.clearInterval(timer);
    }, [intervalMs, running]);
    return now;
}
