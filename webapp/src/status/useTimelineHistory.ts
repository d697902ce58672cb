import {useMemo, useRef} from 'react';

import type {Run, Status} from '../api/types';
import {addRuns, addSnapshot, emptyHistory, mergeServerHistory, type TimelineHistory} from '../timeline/history';

// Keeps the timeline's history for as long as the panel is open: each new
// status is folded in once, each job's run history whenever it is refetched,
// and a server-kept history whenever the status carries one.
export function useTimelineHistory(status: Status | null, histories: ReadonlyMap<string, Run[]>): TimelineHistory {
    const history = useRef<TimelineHistory>(emptyHistory);
    const folded = useRef<{status: Status | null; runs: Map<string, Run[]>}>({status: null, runs: new Map()});

    return useMemo(() => {
        let h = history.current;
        if (status !== null && status !== folded.current.status) {
            h = addSnapshot(h, status);
            if (status.timeline !== null) {
                h = mergeServerHistory(h, status.timeline);
            }
            folded.current.status = status;
        }
        for (const [job, runs] of histories) {
            if (folded.current.runs.get(job) !== runs) {
                h = addRuns(h, job, runs);
                folded.current.runs.set(job, runs);
            }
        }
        history.current = h;
        return h;
    }, [status, histories]);
}
