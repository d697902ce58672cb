import {ApiError, createClient} from '../src/api/client';
import {csrfToken} from '../src/api/csrf';
import {decodeStatus} from '../src/api/decode';
import {apiBase, consoleSiteUrl, dashboardSiteUrl} from '../src/api/siteUrl';

import {wireJob, wireStatus} from './fixtures';
import {fakeServer} from './fakeServer';

describe('site URL', () => {
    it('prefers the SiteURL from the web app store', () => {
        expect(consoleSiteUrl({entities: {general: {config: {SiteURL: 'https://mm.example.com/'}}}})).toBe('https://mm.example.com');
    });

    it('falls back to window.basename under this origin, then the origin alone', () => {
        const win = {location: {origin: 'https://mm.example.com'}, basename: '/chat'} as unknown as Window;
        expect(consoleSiteUrl({entities: {general: {config: {SiteURL: ''}}}}, win)).toBe('https://mm.example.com/chat');
        const bare = {location: {origin: 'https://mm.example.com'}} as unknown as Window;
        expect(consoleSiteUrl(undefined, bare)).toBe('https://mm.example.com');
    });

    it('finds the sub-path of the standalone dashboard', () => {
        expect(dashboardSiteUrl({origin: 'https://mm.example.com', pathname: '/chat/plugins/clusterdemo/dashboard'})).toBe('https://mm.example.com/chat');
        expect(dashboardSiteUrl({origin: 'http://localhost:8065', pathname: '/plugins/clusterdemo/dashboard'})).toBe('http://localhost:8065');
        expect(apiBase('http://localhost:8065/')).toBe('http://localhost:8065/plugins/clusterdemo/api/v1');
    });
});

describe('CSRF token', () => {
    it('reads MMCSRF among other cookies', () => {
        expect(csrfToken('MMUSERID=u1; MMCSRF=abc%3D123; other=x')).toBe('abc=123');
        expect(csrfToken('MMCSRFX=no; XMMCSRF=no')).toBe('');
        expect(csrfToken('')).toBe('');
    });

    it('is not sent when there is none', async () => {
        const server = fakeServer(() => ({status: 200, body: wireStatus()}));
        const client = createClient({siteUrl: () => 'http://x', fetch: server.fetch as unknown as typeof fetch, csrfToken: () => ''});
        await client.getStatus();
        expect(server.requests[0].headers).not.toHaveProperty('X-CSRF-Token');
        expect(server.requests[0].headers['X-Requested-With']).toBe('XMLHttpRequest');
    });
});

describe('client', () => {
    const make = (handler: Parameters<typeof fakeServer>[0]) => {
        const server = fakeServer(handler);
        const client = createClient({siteUrl: () => 'http://x', fetch: server.fetch as unknown as typeof fetch, csrfToken: () => 't'});
        return {server, client};
    };

    it('refuses invalid input itself, without a request', async () => {
        const {server, client} = make(() => ({status: 200, body: {}}));
        await expect(client.acquireLock('bad name', 10)).rejects.toMatchObject({status: 0, message: expect.stringContaining('lock name')});
        await expect(client.acquireLock('ok', 601)).rejects.toBeInstanceOf(ApiError);
        await expect(client.releaseLock('../etc')).rejects.toBeInstanceOf(ApiError);
        await expect(client.startStress(0)).rejects.toBeInstanceOf(ApiError);
        expect(server.requests).toEqual([]);
    });

    it('carries status, server message and the conflicting lock of an error', async () => {
        const {client} = make(() => ({status: 409, body: {error: 'held elsewhere', lock: {name: 'l', held: true, holder_id: 'n2', holder_name: 'two', kind: 'demo'}}}));
        const err = await client.acquireLock('l', 5).catch((e: unknown) => e) as ApiError;
        expect(err.status).toBe(409);
        expect(err.message).toBe('held elsewhere');
        expect(err.lock?.holderName).toBe('two');
    });

    it('names the status when an error body is not JSON', async () => {
        const {client} = make(() => ({status: 504, text: 'Gateway Timeout'}));
        await expect(client.getStatus()).rejects.toMatchObject({status: 504, message: 'The server answered with status 504.'});
    });

    it('fetches a job with its history', async () => {
        const {server, client} = make(() => ({status: 200, body: {...wireJob('slow'), history: [{node: 'n1', started_at: null, duration_ms: 8000, error: null}]}}));
        const job = await client.getJob('slow');
        expect(server.requests[0].path).toBe('/jobs/slow');
        expect(job.history).toEqual([{node: 'n1', startedAt: null, durationMs: 8000, error: null, summary: null}]);
    });
});

describe('decoding', () => {
    it('turns times into instants and keeps absent values null', () => {
        const status = decodeStatus(wireStatus());
        expect(status.generatedAt).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
        const idle = status.locks.find((l) => l.name === 'idle');
        expect(idle).toMatchObject({held: false, holderId: null, expiresAt: null, fencingToken: null});
        expect(status.stress).toBeNull();
        expect(status.jobs[0].history).toBeNull();
    });

    it('rejects a status without an answering node', () => {
        expect(() => decodeStatus({nodes: []})).toThrow("The server's answer was not understood (node is not an object).");
    });

    it('reads an unknown lock kind as other, and a bad time as absent', () => {
        const status = decodeStatus(wireStatus({locks: [{name: 'x', held: false, kind: 'weird', acquired_at: 'yesterday'}]}));
        expect(status.locks[0]).toMatchObject({kind: 'other', acquiredAt: null});
    });

    it('accepts stress acquisitions as a map or a list', () => {
        const asMap = decodeStatus(wireStatus({stress: {acquisitions: {a: 2, b: 3}, overlaps: 0}}));
        const asList = decodeStatus(wireStatus({stress: {acquisitions: [{node: 'a', count: 2}, {node: 'b', count: 3}], overlap: false}}));
        expect(asMap.stress?.acquisitions).toEqual(asList.stress?.acquisitions);
        expect(asList.stress?.overlapSeen).toBe(false);
    });
});
