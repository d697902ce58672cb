/**
 * @jest-environment node
 */

// The built bundles in a page, as a browser would load them: dist/main.js in
// a page that provides what the Mattermost 5.x web app provides (React 16,
// ReactDOM, Redux, ReactRedux, PropTypes as window globals, registerPlugin, a
// Redux store), and dist/dashboard.js in a bare page with only <div id="root">.
// `npm test` builds first; run `npm run build` before running this file alone.
import fs from 'fs';
import path from 'path';

import {JSDOM, VirtualConsole} from 'jsdom';
import type * as ReactNS from 'react';
import type * as ReactDOMNS from 'react-dom';
import type * as ReactReduxNS from 'react-redux';
import type * as ReduxNS from 'redux';

import {wireStatus} from './fixtures';

const dist = path.join(__dirname, '..', 'dist');
const moduleFile = (file: string) => fs.readFileSync(require.resolve(file), 'utf8');

interface FetchCall {
    url: string;
    method: string;
    headers: Record<string, string>;
}

interface Page {
    dom: JSDOM;
    win: JSDOM['window'] & Record<string, unknown>;
    fetches: FetchCall[];
    errors: string[];
}

function page(url: string, html = '<!DOCTYPE html><html><body><div id="root"></div></body></html>'): Page {
    const errors: string[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('error', (...args: unknown[]) => errors.push(args.map(String).join(' ')));
    virtualConsole.on('jsdomError', (err: Error) => errors.push(String(err.stack ?? err)));
    const dom = new JSDOM(html, {url, runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole});
    const win = dom.window as unknown as Page['win'];
    const fetches: FetchCall[] = [];
    win.fetch = async (request: RequestInfo | URL, init: RequestInit = {}) => {
        const input = String(request);
        fetches.push({url: input, method: init.method ?? 'GET', headers: {...(init.headers as Record<string, string>)}});
        const body = input.endsWith('/status') ? wireStatus() : {name: 'quick', history: []};
        return {ok: true, status: 200, text: async () => JSON.stringify(body)} as unknown as Response;
    };
    return {dom, win, fetches, errors};
}

async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10000;
    while (!check()) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

function readBundle(name: string): string {
    const file = path.join(dist, name);
    if (!fs.existsSync(file)) {
        throw new Error(`${file} is missing: run \`npm run build\` (npm test does) before this test`);
    }
    return fs.readFileSync(file, 'utf8');
}

describe('dist/main.js in the Mattermost web app', () => {
    let p: Page | undefined;
    afterEach(() => p?.win.close());

    it('is at most 100 KB and takes React from the page', () => {
        const code = readBundle('main.js');
        expect(Buffer.byteLength(code)).toBeLessThanOrEqual(100 * 1024);
        // React's own internals are in any bundle that carries React.
        expect(code).not.toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
        expect(readBundle('dashboard.js')).toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
    });

    it('registers the ClusterStatus setting, which renders with the host React 16', async () => {
        const current = page('https://mm.example.com/admin_console/plugins/plugin_clusterdemo');
        p = current;
        const {win} = current;
        win.document.cookie = 'MMCSRF=page-csrf';

        // What the web app puts on window before it loads plugin bundles.
        win.eval(moduleFile('react16/umd/react.development.js'));
        win.eval(moduleFile('react-dom16/umd/react-dom.development.js'));
        win.eval(moduleFile('prop-types/prop-types.js'));
        win.eval(moduleFile('redux/dist/redux.js'));
        win.eval(moduleFile('react-redux/dist/react-redux.js'));
        const React = win.React as typeof ReactNS;
        const ReactDOM = win.ReactDOM as typeof ReactDOMNS;
        expect(React.version).toBe('16.14.0');

        const registered: Array<{id: string; plugin: {initialize: (r: unknown, s: unknown) => void}}> = [];
        win.registerPlugin = (id: string, plugin: {initialize: (r: unknown, s: unknown) => void}) => registered.push({id, plugin});

        win.eval(readBundle('main.js'));
        expect(registered.map((r) => r.id)).toEqual(['clusterdemo']);

        const calls: Array<[string, ...unknown[]]> = [];
        const registry = new Proxy({}, {
            get: (_target, method: string) => (...args: unknown[]) => {
                calls.push([method, ...args]);
            },
        });
        const Redux = win.Redux as typeof ReduxNS;
        const store = Redux.createStore(() => ({entities: {general: {config: {SiteURL: 'https://mm.example.com'}}}}));
        registered[0].plugin.initialize(registry, store);

        const setting = calls.find(([method, key]) => method === 'registerAdminConsoleCustomSetting' && key === 'ClusterStatus');
        expect(setting).toBeDefined();
        expect(setting?.[3]).toEqual({showTitle: true});
        const ws = calls.find(([method]) => method === 'registerWebSocketEventHandler');
        expect(ws?.[1]).toBe('custom_clusterdemo_status_changed');

        // Render it the way the System Console does: inside the store's Provider.
        const Setting = setting?.[2] as ReactNS.ComponentType<Record<string, unknown>>;
        const ReactRedux = win.ReactRedux as typeof ReactReduxNS;
        const root = win.document.getElementById('root')!;
        ReactDOM.render(
            React.createElement(ReactRedux.Provider, {store}, React.createElement(Setting, {id: 'ClusterStatus', value: null})),
            root,
        );
        await until(() => root.querySelector('table') !== null, 'the panel to render its tables');
        expect(root.textContent).toContain('Nodes');
        expect(root.textContent).toContain('demo-1');
        expect(current.fetches[0]).toMatchObject({
            url: 'https://mm.example.com/plugins/clusterdemo/api/v1/status',
            method: 'GET',
            headers: {'X-Requested-With': 'XMLHttpRequest', 'X-CSRF-Token': 'page-csrf'},
        });

        // The websocket event makes the panel refetch.
        const before = current.fetches.filter((f) => f.url.endsWith('/status')).length;
        (ws?.[2] as (msg: unknown) => void)({event: 'custom_clusterdemo_status_changed', data: {kind: 'lock', name: 'demo-1'}});
        await until(() => current.fetches.filter((f) => f.url.endsWith('/status')).length > before, 'a refetch after the websocket event');

        ReactDOM.unmountComponentAtNode(root);
        expect(current.errors).toEqual([]);
    });
});

describe('dist/dashboard.js on the standalone page', () => {
    it('mounts the panel into #root with its own React and the page\'s sub-path', async () => {
        const p = page('https://mm.example.com/chat/plugins/clusterdemo/dashboard');
        // jsdom's WebSocket would really connect; record the attempt instead.
        const sockets: string[] = [];
        class FakeWebSocket {
            constructor(url: string) {
                sockets.push(url);
            }
            close() {
                return undefined;
            }
        }
        p.win.WebSocket = FakeWebSocket as unknown as typeof WebSocket;
        p.win.eval(readBundle('dashboard.js'));
        const root = p.win.document.getElementById('root')!;
        await until(() => root.querySelector('table') !== null, 'the dashboard to render');
        expect(root.querySelector('main')?.textContent).toContain('Locks');
        expect(p.win.React).toBeUndefined();
        expect(p.fetches[0].url).toBe('https://mm.example.com/chat/plugins/clusterdemo/api/v1/status');
        expect(sockets).toEqual(['wss://mm.example.com/chat/api/v4/websocket']);
        expect(p.errors).toEqual([]);
        p.win.close();
    });
});
