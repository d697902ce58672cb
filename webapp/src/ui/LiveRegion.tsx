import React, {useCallback, useState} from 'react';

// One polite live region per panel: screen readers hear what changed and what
// a control did, without the whole table being re-read.
export function useAnnouncer(): [string, (message: string) => void] {
    const [message, setMessage] = useState('');
    const announce = useCallback((text: string) => setMessage(text), []);
    return [message, announce];
}

export function LiveRegion({message}: {message: string}) {
    return (
        <div
            className='cd-visually-hidden'
            role='status'
            aria-live='polite'
            aria-atomic='true'
            data-testid='cd-live'
        >
            {message}
        </div>
    );
}
