// Human-readable times and durations for the panel. Relative forms ("12 s
// ago", "in 4 s") are what an admin reads at a glance; the exact instant goes
// into the <time> element's dateTime and title.

export function formatDuration(ms: number): string {
    if (ms < 10) {
        // Handoff latencies live here: keep the tenth that tells 0.4 from 4.
        return `${Math.max(0, Math.round(ms * 10) / 10)} ms`;
    }
    if (ms < 1000) {
        return `${Math.round(ms)} ms`;
    }
    if (ms < 10000 && ms % 1000 !== 0) {
        return `${(ms / 1000).toFixed(1)} s`;
    }
    const totalSeconds = Math.round(ms / 1000);
    if (totalSeconds < 60) {
        return `${totalSeconds} s`;
    }
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    if (hours > 0) {
        return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
    }
    return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

// Whole seconds, rounded up, for countdowns: "1 s" until it has truly expired.
export function formatRemaining(ms: number): string {
    if (ms <= 0) {
        return 'expired';
    }
    return formatDuration(Math.ceil(ms / 1000) * 1000);
}

export function formatAgo(then: number, now: number): string {
    const ms = now - then;
    if (ms < 1000 && ms > -1000) {
        return 'just now';
    }
    // Whole seconds: the panel's clock ticks once a second, so tenths would be noise.
    const span = formatDuration(Math.round(Math.abs(ms) / 1000) * 1000);
    return ms > 0 ? `${span} ago` : `in ${span}`;
}

export function isoTime(t: number): string {
    return new Date(t).toISOString();
}
