// The way into the dashboard for a person with only the link make demo
// prints, in Debian's chromium through playwright-core, as
// e2e/browser_login_test.go asks: every scenario starts in a fresh browser
// context (no cookies), opens the link, is sent to the local cluster's login
// page and logs in through its form. Parameters arrive as JSON in
// CLUSTERDEMO_E2E_BROWSER; progress goes to stdout; screenshots go to
// params.screenshots.

import {chromium} from 'playwright-core';

import {chromiumOptions, harness} from './harness.mjs';

const params = JSON.parse(process.env.CLUSTERDEMO_E2E_BROWSER ?? '{}');
const {
    baseUrl, // the node whose link is opened
    dashboardUrl, // the link make demo prints
    admin, // {username, password}
    user,
    nodeNames, // every node of the cluster
    screenshots,
    timeoutMs,
} = params;

const {log, check, screenshot, waitFor, run} = harness({screenshots, timeoutMs});

const origin = new URL(baseUrl).origin;
const dashboardPath = new URL(dashboardUrl).pathname;
// The panel's words for a non-admin, as the System Console shows them too.
const forbidden = 'Only system admins can see cluster status';

// freshPage opens a page in a new context, which has no cookies. Every
// request to another origin is recorded and aborted, and so is every
// navigation of the page away from this node: the login page must never
// send a browser anywhere else.
async function freshPage(browser) {
    const context = await browser.newContext({viewport: {width: 1200, height: 900}});
    const page = await context.newPage();
    const away = [];
    await context.route('**/*', (route) => {
        const url = route.request().url();
        if (new URL(url).origin !== origin) {
            away.push(url);
            return route.abort();
        }
        return route.continue();
    });
    page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && new URL(frame.url()).origin !== origin) {
            away.push(frame.url());
        }
    });
    page.on('pageerror', (err) => check(false, `no script error on ${page.url()} (${err.message})`));
    page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
            check(false, `no Content-Security-Policy violation on ${page.url()} (${msg.text()})`);
        }
    });
    check((await context.cookies()).length === 0, 'the new context has no cookies');
    return {context, page, away};
}

// logIn fills the form and submits it, and waits until the page has left
// the login page (or the wait runs out).
async function logIn(page, account) {
    await page.getByLabel('Username or email').fill(account.username);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', {name: 'Log in'}).click();
    await waitFor(page, `the login as ${account.username} leaves the login page`, async () => new URL(page.url()).pathname !== '/login');
}

// openLinkAndLogIn opens the printed link without a session, checks the
// trip to the login page, and logs in as account through the form.
async function openLinkAndLogIn(browser, account) {
    const {context, page, away} = await freshPage(browser);
    const response = await page.goto(dashboardUrl);
    const landed = new URL(page.url());
    check(landed.origin === origin && landed.pathname === '/login',
        `the dashboard link without a session leads to this node's login page (at ${page.url()})`);
    check(landed.searchParams.get('redirect_to') === dashboardPath,
        `the login page is asked to return to the dashboard (redirect_to=${landed.searchParams.get('redirect_to')})`);
    const first = await response.request().redirectedFrom()?.response();
    check(first?.status() === 302, `the dashboard answered the browser without a session with 302 (got ${first?.status()})`);
    const csp = response.headers()['content-security-policy'] ?? '';
    check(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'),
        `the login page is served under a CSP that refuses inline script ("${csp}")`);
    await screenshot(page, `login-page-${account.username}`);
    await logIn(page, account);
    const after = new URL(page.url());
    check(after.origin === origin && after.pathname === dashboardPath, `after logging in as ${account.username} the browser is on the dashboard (at ${page.url()})`);
    return {context, page, away};
}

async function adminLogsIn(browser) {
    const {context, page, away} = await freshPage(browser);
    await page.goto(dashboardUrl);
    // A wrong password first: the error is in words, announced, and the
    // page stays.
    await page.getByLabel('Username or email').fill(admin.username);
    await page.getByLabel('Password').fill(`${admin.password}-wrong`);
    await page.getByRole('button', {name: 'Log in'}).click();
    const alert = page.getByRole('alert');
    await waitFor(page, 'a wrong password shows an error', async () => (await alert.innerText()).trim() !== '');
    const said = (await alert.innerText()).trim();
    log(`a wrong password reads: "${said}"`);
    check(said.startsWith('Login failed:') && !said.includes('{'), `the error is in words, not JSON ("${said}")`);
    check(await page.getByLabel('Password').getAttribute('aria-invalid') === 'true', 'the password field is marked invalid');
    check(new URL(page.url()).pathname === '/login', 'a wrong password stays on the login page');
    await screenshot(page, 'login-wrong-password');
    await context.close();

    const session = await openLinkAndLogIn(browser, admin);
    for (const name of nodeNames) {
        await waitFor(session.page, `the dashboard shows ${name} alive`,
            async () => await session.page.getByRole('table', {name: 'Nodes'}).locator('tbody tr').filter({hasText: name}).filter({hasText: 'Alive'}).count() > 0);
    }
    await screenshot(session.page, 'dashboard-after-login');
    check(session.away.length === 0 && away.length === 0, `nothing left this node (${[...away, ...session.away].join(', ')})`);
    await session.context.close();
}

async function userLogsIn(browser) {
    const session = await openLinkAndLogIn(browser, user);
    const {page} = session;
    await waitFor(page, `the non-admin sees the panel's own refusal ("${forbidden}")`, async () => (await page.locator('body').innerText()).includes(forbidden));
    const text = await page.locator('body').innerText();
    check(!nodeNames.some((name) => text.includes(name)), 'the non-admin sees no node names');
    check(!text.trim().startsWith('{'), 'the non-admin sees a page, not JSON');
    await screenshot(page, 'dashboard-non-admin');
    await session.context.close();
}

// A redirect_to elsewhere is refused: the login lands on the dashboard of
// this node. A path of this node is followed, query included.
async function redirects(browser) {
    const elsewhere = ['https://example.com/', '//example.com', '/\\example.com', '/\t/example.com', '/..//example.com', 'javascript:alert(document.domain)'];
    for (const target of elsewhere) {
        const {context, page, away} = await freshPage(browser);
        await page.goto(`${origin}/login?redirect_to=${encodeURIComponent(target)}`);
        const notice = (await page.locator('#login-redirect-refused').innerText()).trim();
        check(notice !== '', `the login page says it will not follow redirect_to=${JSON.stringify(target)} ("${notice}")`);
        await logIn(page, admin);
        const after = new URL(page.url());
        check(after.origin === origin && after.pathname === dashboardPath,
            `redirect_to=${JSON.stringify(target)} is refused: the login lands on this node's dashboard (at ${page.url()})`);
        check(away.length === 0, `redirect_to=${JSON.stringify(target)}: nothing left this node (${away.join(', ')})`);
        await context.close();
    }
    const here = `${dashboardPath}?from=login`;
    const {context, page} = await freshPage(browser);
    await page.goto(`${origin}/login?redirect_to=${encodeURIComponent(here)}`);
    await logIn(page, admin);
    const after = new URL(page.url());
    check(after.origin === origin && after.pathname + after.search === here, `redirect_to=${here} on this node is followed (at ${page.url()})`);
    await context.close();
}

// The root page: what runs here, the link and the accounts.
async function rootPage(browser) {
    const {context, page} = await freshPage(browser);
    await page.goto(`${origin}/`);
    const link = page.getByRole('link', {name: 'Open the Cluster Demo dashboard'});
    check(await link.getAttribute('href') === dashboardPath, 'the root page links to the dashboard');
    const text = await page.locator('body').innerText();
    for (const account of [admin, user]) {
        check(text.includes(account.username) && text.includes(account.password), `the root page lists ${account.username} and its password`);
    }
    await screenshot(page, 'root-page');
    await context.close();
}

async function main() {
    const browser = await chromium.launch(chromiumOptions);
    log(`chromium ${browser.version()}, a fresh context for each scenario`);
    try {
        await rootPage(browser);
        await adminLogsIn(browser);
        await userLogsIn(browser);
        await redirects(browser);
    } finally {
        await browser.close();
    }
}

run(main);
