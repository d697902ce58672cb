// A recording stand-in for window.fetch: each request is kept (method, path,
// headers, parsed body) and answered by the test's route handler.

export interface Recorded {
    method: string;
    url: string;
    path: string;
    headers: Record<string, string>;
    body: unknown;
}

export interface Reply {
    status: number;
    body?: unknown;

    // Raw text instead of JSON (an HTML error page from a proxy, say).
    text?: string;
}

export type Handler = (req: Recorded) => Reply | Promise<Reply>;

export const apiPrefix = '/plugins/clusterdemo/api/v1';

export interface FakeServer {
    fetch: jest.Mock<Promise<Response>, [string, RequestInit?]>;
    requests: Recorded[];
    calls(method: string, path: string): Recorded[];
}

export function fakeServer(handler: Handler): FakeServer {
    const requests: Recorded[] = [];
    const fetch = jest.fn(async (url: string, init: RequestInit = {}) => {
        const pathname = new URL(url, 'http://localhost').pathname;
        const at = pathname.indexOf(apiPrefix);
        const path = at < 0 ? pathname : pathname.slice(at + apiPrefix.length);
        const rec: Recorded = {
            method: init.method ?? 'GET',
            url,
            path,
            headers: {...(init.headers as Record<string, string>)},
            body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        };
        requests.push(rec);
        if (init.signal?.aborted) {
            throw new DOMException('aborted', 'AbortError');
        }
        const reply = await handler(rec);
        const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        return {
            ok: reply.status >= 200 && reply.status < 300,
            status: reply.status,
            text: async () => text,
        } as Response;
    });
    return {
        fetch,
        requests,
        calls: (method, path) => requests.filter((r) => r.method === method && r.path === path),
    };
}

// Routes GET /status to a status provider, GET /jobs/{name} to a job
// detail with no history and GET /reminders to an empty list; anything
// else goes to `other`.
export function statusServer(status: () => unknown, other?: Handler): FakeServer {
    return fakeServer((req) => {
        if (req.method === 'GET' && req.path === '/status') {
            return {status: 200, body: status()};
        }
        const job = /^\/jobs\/([^/]+)$/.exec(req.path);
        if (req.method === 'GET' && job) {
            return {status: 200, body: {name: job[1], history: []}};
        }
        if (req.method === 'GET' && req.path === '/reminders') {
            return {status: 200, body: {reminders: []}};
        }
        if (other) {
            return other(req);
        }
        return {status: 404, body: {error: `no route ${req.method} ${req.path}`}};
    });
}
