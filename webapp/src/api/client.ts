import {csrfToken as cookieCsrfToken} from './csrf';
import {DecodeError, decodeJob, decodeLock, decodeStatus} from './decode';
import {decodeReminder, decodeReminders, type Reminder, reminderSeconds, reminderTextError} from './reminders';
import {apiBase} from './siteUrl';
import type {Job, Lock, Status} from './types';
import {holdSeconds, lockNameError, secondsError, stressSeconds} from './validation';

// ApiError is every way a request can fail, with the HTTP status (0 when the
// server was not reached or the input never left the browser) and the
// server's own message where it sent one.
export class ApiError extends Error {
    readonly status: number;

    // A 409 on acquire carries the lock as it is, held elsewhere.
    readonly lock: Lock | null;

    constructor(status: number, message: string, lock: Lock | null = null) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.lock = lock;
    }
}

export interface ClusterClient {
    getStatus(signal?: AbortSignal): Promise<Status>;
    getJob(name: string, signal?: AbortSignal): Promise<Job>;
    acquireLock(name: string, holdSeconds: number, waitSeconds?: number): Promise<Lock>;
    releaseLock(name: string): Promise<Lock>;
    runJob(name: string): Promise<Job>;
    startStress(seconds: number): Promise<void>;
    getReminders(signal?: AbortSignal): Promise<Reminder[]>;

    // Posted by the bot in the digest channel set in the plugin settings.
    scheduleReminder(seconds: number, text: string): Promise<Reminder>;
}

export interface ClientOptions {
    // Read on every request: the web app learns its site URL after we load.
    siteUrl: () => string;
    csrfToken?: () => string;
    fetch?: typeof fetch;
}

type Method = 'GET' | 'POST';

function reject(message: string): Promise<never> {
    return Promise.reject(new ApiError(0, message));
}

function parseBody(text: string): unknown {
    if (text === '') {
        return null;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function serverMessage(body: unknown): string | null {
    if (typeof body === 'object' && body !== null && typeof (body as {error?: unknown}).error === 'string') {
        return (body as {error: string}).error;
    }
    return null;
}

function fallbackMessage(status: number): string {
    switch (status) {
    case 401:
        return 'You are not logged in, or your session has expired.';
    case 403:
        return 'Only system admins can see cluster status';
    default:
        return `The server answered with status ${status}.`;
    }
}

export function createClient(options: ClientOptions): ClusterClient {
    const token = options.csrfToken ?? (() => cookieCsrfToken());

    async function request(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
        const doFetch = options.fetch ?? window.fetch.bind(window);
        const headers: Record<string, string> = {
            Accept: 'application/json',
            'X-Requested-With': 'XMLHttpRequest',
        };
        const csrf = token();
        if (csrf !== '') {
            headers['X-CSRF-Token'] = csrf;
        }
        const init: RequestInit = {method, headers, credentials: 'include', signal};
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }

        let response: Response;
        try {
            response = await doFetch(apiBase(options.siteUrl()) + path, init);
        } catch (err) {
            if (signal?.aborted) {
                throw err;
            }
            throw new ApiError(0, `Cannot reach the server: ${err instanceof Error ? err.message : String(err)}`);
        }

        const parsed = parseBody(await response.text());
        if (!response.ok) {
            const o = parsed as {lock?: unknown} | null | undefined;
            let lock: Lock | null = null;
            try {
                lock = o?.lock ? decodeLock(o.lock) : null;
            } catch {
                lock = null;
            }
            throw new ApiError(response.status, serverMessage(parsed) ?? fallbackMessage(response.status), lock);
        }
        if (parsed === undefined) {
            throw new DecodeError('not JSON');
        }
        return parsed;
    }

    function lockPath(name: string, action: string): string {
        return `/locks/${encodeURIComponent(name)}/${action}`;
    }

    return {
        async getStatus(signal) {
            return decodeStatus(await request('GET', '/status', undefined, signal));
        },

        async getJob(name, signal) {
            return decodeJob(await request('GET', `/jobs/${encodeURIComponent(name)}`, undefined, signal));
        },

        async acquireLock(name, hold, wait = 0) {
            const invalid = lockNameError(name) ?? secondsError(hold, holdSeconds);
            if (invalid) {
                return reject(invalid);
            }
            return decodeLock(await request('POST', lockPath(name, 'acquire'), {hold_seconds: hold, wait_seconds: wait}));
        },

        async releaseLock(name) {
            const invalid = lockNameError(name);
            if (invalid) {
                return reject(invalid);
            }
            return decodeLock(await request('POST', lockPath(name, 'release')));
        },

        async runJob(name) {
            return decodeJob(await request('POST', `/jobs/${encodeURIComponent(name)}/run`));
        },

        async startStress(seconds) {
            const invalid = secondsError(seconds, stressSeconds);
            if (invalid) {
                return reject(invalid);
            }
            await request('POST', '/stress', {seconds});
        },

        async getReminders(signal) {
            return decodeReminders(await request('GET', '/reminders', undefined, signal));
        },

        async scheduleReminder(seconds, text) {
            const invalid = secondsError(seconds, reminderSeconds) ?? reminderTextError(text);
            if (invalid) {
                return reject(invalid);
            }
            return decodeReminder(await request('POST', '/reminders', {seconds, text}));
        },
    };
}
