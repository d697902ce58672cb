import {useEffect, useState} from 'react';

function visibleNow(): boolean {
    return document.visibilityState !== 'hidden';
}

// Whether the page is shown, so polling can pause while the tab is hidden.
export function usePageVisible(): boolean {
    const [visible, setVisible] = useState(visibleNow);
    useEffect(() => {
        const update = () => setVisible(visibleNow());
        document.addEventListener('visibilitychange', update);
        return () => document.removeEventListener('visibilitychange', update);
    }, []);
    return visible;
}
