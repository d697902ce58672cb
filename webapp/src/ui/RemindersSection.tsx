import React, {useCallback, useEffect, useState} from 'react';

import type {ClusterClient} from '../api/client';
import {type Reminder, reminderSeconds, reminderTextError, reminderTextRule} from '../api/reminders';
import {secondsError} from '../api/validation';

import {ActionForm} from './ActionForm';
import {actionsOffId} from './actionsOff';
import {SecondsField, TextField} from './FormField';
import {NodeLabel} from './NodeLabel';
import {Ago, Countdown} from './Time';

type RemindersClient = Pick<ClusterClient, 'getReminders' | 'scheduleReminder'>;

interface Props {
    client: RemindersClient;
    now: number;
    // Why scheduling is switched off on this server (the production
    // switch), or null: the form is then not shown.
    actionsOff?: string | null;

    // How often the list is read again (reminderPollMs by default): a
    // reminder runs on its own time, not on a change the panel hears of.
    pollMs?: number;
}

// Slower than the status poll: each read of the list costs the server two
// KV reads per remembered reminder.
export const reminderPollMs = 5000;

function outcome(r: Reminder): string {
    if (r.pending) {
        return 'Pending';
    }
    if (r.cancelled) {
        return 'Cancelled';
    }
    return r.error ? `Failed: ${r.error}` : 'Posted';
}

function NodeCell({name}: {name: string | null}) {
    return name ? <NodeLabel refName={name}/> : <span className='cd-muted'>{'—'}</span>;
}

function ReminderForm({busy, onSchedule}: {busy: boolean; onSchedule: (seconds: number, text: string) => Promise<void>}) {
    const [seconds, setSeconds] = useState('30');
    const [text, setText] = useState('');
    const [errors, setErrors] = useState<{seconds: string | null; text: string | null}>({seconds: null, text: null});

    const submit = async () => {
        const found = {seconds: secondsError(seconds, reminderSeconds), text: reminderTextError(text)};
        setErrors(found);
        if (found.seconds !== null || found.text !== null) {
            return;
        }
        await onSchedule(Number(seconds), text);
    };

    return (
        <ActionForm
            label='Schedule a reminder'
            onSubmit={submit}
            submitLabel={busy ? 'Scheduling…' : 'Schedule reminder'}
            disabled={busy}
        >
            <SecondsField
                id='cd-reminder-seconds'
                label='Post in (seconds)'
                value={seconds}
                onChange={setSeconds}
                error={errors.seconds}
                range={reminderSeconds}
            />
            <TextField
                id='cd-reminder-text'
                label='Text'
                value={text}
                onChange={setText}
                error={errors.text}
                help={`${reminderTextRule} The bot posts it in the digest channel set in the plugin settings.`}
            />
        </ActionForm>
    );
}

// The demo's one-shot jobs: each pending reminder with its due time and the
// node that scheduled it, and which node ran each finished one — after a
// kill, another node's name.
export function RemindersSection({client, now, actionsOff = null, pollMs = reminderPollMs}: Props) {
    const [reminders, setReminders] = useState<Reminder[] | null>(null);
    const [loadError, setLoadError] = useState<string | null>(null);
    const [actionError, setActionError] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);

    const load = useCallback(async (signal?: AbortSignal) => {
        try {
            const list = await client.getReminders(signal);
            setReminders(list);
            setLoadError(null);
        } catch (err) {
            if (!signal?.aborted) {
                setLoadError(err instanceof Error ? err.message : String(err));
            }
        }
    }, [client]);

    useEffect(() => {
        const abort = new AbortController();
        load(abort.signal);
        const timer = setInterval(() => load(abort.signal), pollMs);
        return () => {
            clearInterval(timer);
            abort.abort();
        };
    }, [load, pollMs]);

    const schedule = async (seconds: number, text: string) => {
        setBusy(true);
        try {
            await client.scheduleReminder(seconds, text);
            setActionError(null);
            await load();
        } catch (err) {
            setActionError(err instanceof Error ? err.message : String(err));
        } finally {
            setBusy(false);
        }
    };

    return (
        <section
            className='cd-section'
            aria-labelledby='cd-reminders-title'
        >
            <h3 id='cd-reminders-title'>{'Reminders (one-shot jobs)'}</h3>
            {loadError && <p className='cd-field-error' role='alert'>{`Could not load the reminders: ${loadError}`}</p>}
            {reminders !== null && reminders.length === 0 && <p className='cd-muted'>{'No reminders yet.'}</p>}
            {reminders !== null && reminders.length > 0 && (
                <table className='cd-table'>
                    <thead>
                        <tr>
                            <th scope='col'>{'Reminder'}</th>
                            <th scope='col'>{'Due'}</th>
                            <th scope='col'>{'Scheduled by'}</th>
                            <th scope='col'>{'Ran on'}</th>
                            <th scope='col'>{'Outcome'}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {reminders.map((r) => (
                            <tr key={r.key}>
                                <td title={r.key}>{r.text || r.key}</td>
                                <td>{r.pending ? <Countdown until={r.runAt} now={now}/> : <Ago at={r.runAt} now={now}/>}</td>
                                <td><NodeCell name={r.scheduledBy}/></td>
                                <td><NodeCell name={r.ranBy}/></td>
                                <td>{outcome(r)}</td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            )}
            {actionError && <p className='cd-field-error' role='alert'>{actionError}</p>}
            {actionsOff ? (
                <p
                    className='cd-muted'
                    aria-describedby={actionsOffId}
                >{'Scheduling reminders is switched off on this server.'}</p>
            ) : (
                <ReminderForm
                    busy={busy}
                    onSchedule={schedule}
                />
            )}
        </section>
    );
}
