import {useEffect, useMemo, useRef, useState} from 'react';

import type {ClusterClient} from '../api/client';
import type {Job, Run} from '../api/types';

// GET /status lists jobs without their run history; GET /jobs/{name} has it.
// A job's history is refetched only when its runs have moved on (count, last
// start or finish changed), not on every poll.
function runsKey(job: Job): string {
    return `${job.runs}|${job.running}|${job.lastStartedAt ?? ''}|${job.lastFinishedAt ?? ''}`;
}

export function useJobHistories(client: ClusterClient, jobs: Job[]): Map<string, Run[]> {
    const [histories, setHistories] = useState<Map<string, Run[]>>(() => new Map());
    const fetchedFor = useRef(new Map<string, string>());

    // One controller for the panel's life: a new poll must not cancel a
    // history fetch that is still on its way, but unmounting must.
    const controller = useRef(new AbortController());
    useEffect(() => {
        const current = new AbortController();
        controller.current = current;
        return () => current.abort();
    }, []);

    useEffect(() => {
        for (const job of jobs) {
            if (job.history !== null) {
                continue;
            }
            const key = runsKey(job);
            if (fetchedFor.current.get(job.name) === key) {
                continue;
            }
            fetchedFor.current.set(job.name, key);
            const signal = controller.current.signal;
            client.getJob(job.name, signal).then((detail) => {
                if (!signal.aborted && detail.history !== null) {
                    setHistories((prev) => new Map(prev).set(job.name, detail.history ?? []));
                }
            }, () => {
                // Try again on the next status; the strip keeps what it had.
                fetchedFor.current.delete(job.name);
            });
        }
    }, [client, jobs]);

    return useMemo(() => {
        const merged = new Map(histories);
        for (const job of jobs) {
            if (job.history !== null) {
                merged.set(job.name, job.history);
            }
        }
        return merged;
    }, [histories, jobs]);
}
