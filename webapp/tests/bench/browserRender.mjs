// Render time of the standalone dashboard in a real browser (Debian's
// chromium through playwright-core), with the API stubbed in the page:
// 1,000 locks (100 held), three nodes (one gone), a job, settings with a
// refused save, and a server-kept timeline. Times are taken in the page
// with performance.now(): from the status answer's body being read to the
// first 50 lock rows in the DOM, to layout, and to the second animation
// frame (painted); then a keystroke in the name filter and a page turn, each
// to the next paint. Median of 5 page loads. Writes light and dark
// screenshots to the directory given.
//
//   npm run build
//   node tests/bench/browserRender.mjs /tmp/shots [lock count]
//
// playwright-core is the end-to-end suite's (dev/e2e/browser, after its npm ci)
// or any installed copy; no browser is downloaded.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const webapp = join(here, '..', '..');

async function loadPlaywright() {
    try {
        return await import('playwright-core');
    } catch {
        const require = createRequire(join(webapp, '..', 'dev', 'e2e', 'browser', 'package.json'));
        return require('playwright-core');
    }
}

const {chromium} = await loadPlaywright();
const dist = join(webapp, 'dist');
const out = process.argv[2] ?? '.';
const lockCount = Number(process.argv[3] ?? 1000);

const base = 'http://bench.local';
const nodes = ['node-1', 'node-2', 'node-3'];
const iso = (t) => new Date(t).toISOString();
const epoch = Date.now();

function status(now, lockCount) {
    const nodeJson = nodes.map((id, i) => ({
        id, name: `${id}-name`.replace('-name', ''), started_at: iso(now - 3600e3 + i * 60e3), last_seen_at: iso(now - 1000),
        alive: id !== 'node-3', self: id === 'node-2', version: '0.1.0',
    }));
    nodeJson[2].last_seen_at = iso(now - 70e3);
    const locks = Array.from({length: lockCount}, (_, i) => {
        const holder = i % 10 === 0 ? nodes[(i / 10) % 2] : null;
        return {
            name: `lock-${String(i).padStart(4, '0')}`, held: holder !== null, holder_id: holder, holder_name: holder,
            acquired_at: holder ? iso(now - 20e3 - i * 100) : null, expires_at: holder ? iso(now + 30e3) : null,
            fencing_token: holder ? 100 + i : null, kind: 'demo',
        };
    });
    locks.unshift({name: 'cron_slow', held: true, holder_id: 'node-1', holder_name: 'node-1', acquired_at: iso(now - 3e3), expires_at: iso(now + 27e3), fencing_token: 41, kind: 'job'});
    const holds = [];
    for (let k = 0; k < 6; k++) {
        holds.push({lock: 'lock-0000', node: nodes[k % 3], from: iso(now - 290e3 + k * 45e3), to: iso(now - 260e3 + k * 45e3), fencing_token: 90 + k, ended_by: k % 3 === 2 ? 'node gone' : 'released'});
    }
    holds.push({lock: 'lock-0010', node: 'node-3', from: iso(now - 200e3), to: iso(now - 70e3), fencing_token: 12, ended_by: 'node gone'});
    const runs = [];
    for (let k = 0; k < 9; k++) {
        runs.push({job: 'slow', node: nodes[k % 3], started_at: iso(now - 280e3 + k * 30e3), duration_ms: 8000, outcome: k === 4 ? 'failed' : (k === 7 ? 'lost' : 'ok'), error: k === 4 ? 'boom' : null});
    }
    return {
        node: nodeJson[1], nodes: nodeJson, locks,
        jobs: [{name: 'slow', interval_ms: 30000, running: true, running_on: 'node-1', last_started_at: iso(now - 3e3), last_finished_at: iso(now - 25e3), last_node: 'node-2', last_duration_ms: 8000, runs: 9, next_run_at: iso(now + 27e3)}],
        generated_at: iso(now),
        settings: {
            running: {QuickIntervalSeconds: 10, SlowIntervalSeconds: 30, SlowRunSeconds: 8, DigestIntervalSeconds: 60, DigestChannelID: '', DemoWorkload: true},
            refused: {key: 'QuickIntervalSeconds', value: 1, reason: 'It must be a whole number of seconds from 2 to 86400.', at: iso(now - 90e3)},
        },
        timeline: {from: iso(now - 300e3), to: iso(now), holds, runs, node_events: [
            {node: 'node-3', name: 'node-3', at: iso(now - 70e3), kind: 'gone'},
            {node: 'node-2', name: 'node-2', at: iso(now - 230e3), kind: 'restarted'},
        ]},
    };
}

const initScript = () => {
    window.__bench = {};
    const origText = Response.prototype.text;
    Response.prototype.text = function () {
        if (this.url.endsWith('/status') && window.__bench.fetched === undefined) {
            window.__bench.fetched = performance.now();
        }
        return origText.call(this);
    };
    const obs = new MutationObserver(() => {
        const rows = document.querySelectorAll('table[aria-labelledby="cd-locks-title"] tbody tr');
        if (rows.length >= 50 && window.__bench.rendered === undefined) {
            window.__bench.rendered = performance.now();
            void document.body.offsetHeight;
            window.__bench.laidOut = performance.now();
            requestAnimationFrame(() => requestAnimationFrame(() => {
                window.__bench.painted = performance.now();
            }));
            obs.disconnect();
        }
    });
    document.addEventListener('DOMContentLoaded', () => obs.observe(document.body, {childList: true, subtree: true}));
};

async function run(scheme, lockCount, shot) {
    const browser = await chromium.launch({executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu']});
    const page = await browser.newPage({viewport: {width: 1400, height: 1000}, colorScheme: scheme});
    // The dashboard's websocket has no server here; its failures are expected.
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('WebSocket') && console.log('console.error:', m.text()));
    page.on('pageerror', (e) => console.log('pageerror:', e.message));
    await page.addInitScript(initScript);
    await page.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/plugins/clusterdemo/dashboard') {
            return route.fulfill({contentType: 'text/html', body: '<!doctype html><html><head><meta charset="utf-8"><title>Cluster status</title></head><body><div id="root"></div><script src="/static/dashboard.js"></script></body></html>'});
        }
        if (url.pathname === '/static/dashboard.js') {
            return route.fulfill({contentType: 'text/javascript', body: readFileSync(`${dist}/dashboard.js`)});
        }
        if (url.pathname.endsWith('/api/v1/status')) {
            return route.fulfill({contentType: 'application/json', body: JSON.stringify(status(epoch, lockCount))});
        }
        if (url.pathname.includes('/api/v1/jobs/')) {
            return route.fulfill({contentType: 'application/json', body: JSON.stringify({name: 'slow', interval_ms: 30000, runs: 9, history: []})});
        }
        if (url.pathname.endsWith('/api/v1/reminders')) {
            return route.fulfill({contentType: 'application/json', body: JSON.stringify({reminders: []})});
        }
        return route.fulfill({status: 404, body: ''});
    });
    await page.goto(`${base}/plugins/clusterdemo/dashboard`);
    await page.waitForFunction(() => window.__bench.painted !== undefined, null, {timeout: 20000});
    const first = await page.evaluate(() => window.__bench);
    // A keystroke in the name filter and a page turn, timed in the page to the next paint.
    const timed = await page.evaluate(async () => {
        const paint = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const input = document.getElementById('cd-filter-name');
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        let t = performance.now();
        setter.call(input, 'lock-05');
        input.dispatchEvent(new Event('input', {bubbles: true}));
        void document.body.offsetHeight;
        const filterSync = performance.now() - t;
        await paint();
        const filterPaint = performance.now() - t;
        setter.call(input, '');
        input.dispatchEvent(new Event('input', {bubbles: true}));
        await paint();
        const next = Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Next');
        t = performance.now();
        next.click();
        void document.body.offsetHeight;
        const nextSync = performance.now() - t;
        await paint();
        return {filterSync, filterPaint, nextSync, nextPaint: performance.now() - t};
    });
    if (shot) {
        const prev = await page.$('text=Previous');
        await prev.click();
        await page.waitForTimeout(2500);
        await page.screenshot({path: `${out}/top-${scheme}.png`, clip: {x: 0, y: 0, width: 1400, height: 1300}, fullPage: true});
        await page.screenshot({path: `${out}/mid-${scheme}.png`, clip: {x: 0, y: 1300, width: 1400, height: 1300}, fullPage: true});
        const tl = await page.$('section.cd-timeline');
        await tl.screenshot({path: `${out}/timeline-${scheme}.png`});
        await page.focus('svg.cd-lane-plot rect');
        await tl.screenshot({path: `${out}/timeline-${scheme}-focus.png`});
        await page.screenshot({path: `${out}/dashboard-${scheme}.png`, fullPage: false});
    }
    await browser.close();
    return {
        fetchToRows: first.rendered - first.fetched,
        fetchToLayout: first.laidOut - first.fetched,
        fetchToPaint: first.painted - first.fetched,
        ...timed,
    };
}

const results = [];
for (let i = 0; i < 5; i++) {
    results.push(await run('light', lockCount, false));
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[2].toFixed(1);
console.log(`${lockCount} locks, median of 5 (ms):`, Object.fromEntries(Object.keys(results[0]).map((k) => [k, median(k)])));
await run('light', lockCount, true);
await run('dark', lockCount, true);
