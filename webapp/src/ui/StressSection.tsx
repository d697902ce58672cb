import React, {useState} from 'react';

import type {StressResult} from '../api/types';
import {secondsError, stressSeconds} from '../api/validation';

import {ActionForm} from './ActionForm';
import {actionsOffId} from './actionsOff';
import {SecondsField} from './FormField';
import {formatDuration} from './format';
import {NodeLabel} from './NodeLabel';
import {Ago, Countdown} from './Time';

interface Props {
    stress: StressResult | null;
    now: number;

    // Why the demo actions are switched off; null when they are on.
    actionsOff: string | null;
    busy: boolean;
    error: string | null;
    onStart: (seconds: number) => Promise<boolean>;
}

export const stressKey = 'stress';

function overlapText(stress: StressResult): string {
    const count = stress.overlaps ?? 0;
    if (count > 0) {
        return `${count} seen`;
    }
    if (stress.overlapSeen === true) {
        return 'Seen';
    }
    return stress.overlaps === null && stress.overlapSeen === null ? '—' : 'None';
}

function ms(value: number | null): string {
    return value === null ? '—' : formatDuration(value);
}

function StressResultView({stress, now}: {stress: StressResult; now: number}) {
    const total = stress.acquisitions.reduce((sum, a) => sum + a.count, 0);
    const overlapped = (stress.overlaps ?? 0) > 0 || stress.overlapSeen === true;
    return (
        <div className='cd-stress-result'>
            <p className='cd-stress-summary'>
                {stress.running ? 'Running, started ' : 'Last run started '}
                <Ago at={stress.startedAt} now={now}/>
                {stress.seconds !== null && ` for ${stress.seconds} s`}
                {stress.startedBy && (
                    <>
                        {' from '}
                        <NodeLabel refName={stress.startedBy}/>
                    </>
                )}
                {stress.running && stress.endsAt !== null && (
                    <>
                        {'; ends in '}
                        <Countdown until={stress.endsAt} now={now}/>
                    </>
                )}
            </p>
            <table className='cd-table cd-compact'>
                <caption className='cd-visually-hidden'>{'Stress demo result'}</caption>
                <thead>
                    <tr>
                        <th scope='col'>{'Node'}</th>
                        <th scope='col'>{'Acquisitions'}</th>
                    </tr>
                </thead>
                <tbody>
                    {stress.acquisitions.length === 0 && (
                        <tr><td colSpan={2} className='cd-muted'>{'No acquisitions recorded.'}</td></tr>
                    )}
                    {stress.acquisitions.map((a) => (
                        <tr key={a.node}>
                            <th scope='row'><NodeLabel refName={a.node}/></th>
                            <td>{a.count}</td>
                        </tr>
                    ))}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope='row'>{'Total'}</th>
                        <td>{total}</td>
                    </tr>
                </tfoot>
            </table>
            <dl className='cd-stats'>
                <div><dt>{'Handoff p50'}</dt><dd>{ms(stress.handoffP50Ms)}</dd></div>
                <div><dt>{'Handoff p99'}</dt><dd>{ms(stress.handoffP99Ms)}</dd></div>
                <div>
                    <dt>{'Overlaps'}</dt>
                    <dd className={overlapped ? 'cd-failed' : 'cd-ok'}>{overlapText(stress)}</dd>
                </div>
                <div><dt>{'Store errors'}</dt><dd>{stress.errors ?? '—'}</dd></div>
            </dl>
        </div>
    );
}

// Every node's workers contend for one lock for a while; the result shows how
// the lock moved between nodes and that it was never held twice.
export function StressSection({stress, now, actionsOff, busy, error, onStart}: Props) {
    const [seconds, setSeconds] = useState('10');
    const [invalid, setInvalid] = useState<string | null>(null);
    const running = stress?.running === true;

    const submit = async () => {
        const problem = secondsError(seconds, stressSeconds);
        setInvalid(problem);
        if (problem === null) {
            await onStart(Number(seconds));
        }
    };

    return (
        <section className='cd-section' aria-labelledby='cd-stress-title'>
            <h3 id='cd-stress-title'>{'Stress demo'}</h3>
            <ActionForm
                label='Start the stress demo'
                onSubmit={submit}
                submitLabel={running ? 'Stress demo running…' : 'Start stress demo'}
                disabled={actionsOff !== null || busy || running}
                describedBy={actionsOff === null ? undefined : actionsOffId}
            >
                <SecondsField
                    id='cd-stress-seconds'
                    label='Duration (seconds)'
                    value={seconds}
                    onChange={setSeconds}
                    error={invalid}
                    range={stressSeconds}
                />
            </ActionForm>
            {error && <p className='cd-error' role='alert'>{error}</p>}
            {stress ? <StressResultView stress={stress} now={now}/> : <p className='cd-muted'>{'No stress run yet.'}</p>}
        </section>
    );
}
