import {DecodeError} from './decode';
import type {SecondsRange} from './validation';

// Reminders are the demo's one-shot jobs (GET and POST /api/v1/reminders in
// the server's route table): a message the plugin's bot posts once, on
// whichever node runs the job at its time.

export interface Reminder {
    key: string;
    text: string;
    runAt: number | null;

    // The node that scheduled it, and the one that ran it once finished.
    scheduledBy: string | null;
    pending: boolean;
    ranBy: string | null;
    finishedAt: number | null;
    error: string | null;
    cancelled: boolean;
}

export const reminderSeconds: SecondsRange = {min: 1, max: 86400, what: 'Delay'};

export const maxReminderText = 1000;

export const reminderTextRule = `The text is 1–${maxReminderText} characters.`;

// Counted in code points, as the server counts runes.
export function reminderTextError(text: string): string | null {
    const length = [...text].length;
    return text.trim() === '' || length > maxReminderText ? reminderTextRule : null;
}

type Obj = Record<string, unknown>;

function optionalString(o: Obj, key: string): string | null {
    const v = o[key];
    return typeof v === 'string' && v !== '' ? v : null;
}

function optionalTime(o: Obj, key: string): number | null {
    const v = o[key];
    if (typeof v !== 'string') {
        return null;
    }
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
}

export function decodeReminder(value: unknown): Reminder {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DecodeError('reminder is not an object');
    }
    const o = value as Obj;
    if (typeof o.key !== 'string' || o.key === '') {
        throw new DecodeError('reminder.key is missing');
    }
    return {
        key: o.key,
        text: optionalString(o, 'text') ?? '',
        runAt: optionalTime(o, 'run_at'),
        scheduledBy: optionalString(o, 'scheduled_by'),
        pending: o.pending === true,
        ranBy: optionalString(o, 'ran_by'),
        finishedAt: optionalTime(o, 'finished_at'),
        error: optionalString(o, 'error'),
        cancelled: o.cancelled === true,
    };
}

export function decodeReminders(value: unknown): Reminder[] {
    const list = typeof value === 'object' && value !== null ? (value as Obj).reminders : undefined;
    if (!Array.isArray(list)) {
        throw new DecodeError('reminders is not a list');
    }
    return list.map(decodeReminder);
}
