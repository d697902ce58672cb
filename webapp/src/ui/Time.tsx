import React from 'react';

import {formatAgo, formatRemaining, isoTime} from './format';

// "12 s ago" / "in 4 s", with the exact instant for machines and tooltips.
export function Ago({at, now}: {at: number | null; now: number}) {
    if (at === null) {
        return <span className='cd-muted'>{'—'}</span>;
    }
    const iso = isoTime(at);
    return <time dateTime={iso} title={iso}>{formatAgo(at, now)}</time>;
}

// A live countdown to an instant; the panel's clock re-renders it every second.
export function Countdown({until, now}: {until: number | null; now: number}) {
    if (until === null) {
        return <span className='cd-muted'>{'—'}</span>;
    }
    const iso = isoTime(until);
    const remaining = until - now;
    return (
        <time
            dateTime={iso}
            title={iso}
            className={remaining <= 0 ? 'cd-expired' : undefined}
        >
            {formatRemaining(remaining)}
        </time>
    );
}
