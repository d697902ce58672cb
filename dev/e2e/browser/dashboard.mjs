// Drives the standalone dashboard (/plugins/clusterdemo/dashboard) in
// Debian's chromium through playwright-core, as dev/e2e/browser_dashboard_test.go
// asks. Parameters arrive as JSON in CLUSTERDEMO_E2E_BROWSER (sessions
// included, so they never touch the disk); progress goes to stdout, and the
// exit status is 0 only when every check held. Screenshots go to
// params.screenshots.

import {harness, useSession, withFreshProfile} from './harness.mjs';

const params = JSON.parse(process.env.CLUSTERDEMO_E2E_BROWSER ?? '{}');
const {
    baseUrl, // node 2
    admin, // {token, userId, csrf}
    user,
    node1Name,
    node2Name,
    heldLock, // held by node 1 while this runs
    job, // the job to run from the button
    formLock, // taken and released from the form
    screenshots,
    timeoutMs, // bound for each wait on the page
} = params;

const {log, check, screenshot, waitFor, run} = harness({screenshots, timeoutMs});

// The row of a table (by its accessible name) whose text holds every part.
function row(page, table, ...parts) {
    let rows = page.getByRole('table', {name: table}).locator('tbody tr');
    for (const part of parts) {
        rows = rows.filter({hasText: part});
    }
    return rows;
}

async function swatchColour(locator) {
    return locator.locator('.cd-swatch').first().evaluate((el) => getComputedStyle(el).backgroundColor);
}

async function asAdmin(context) {
    await useSession(context, baseUrl, admin);
    const page = await context.newPage();
    const sent = [];
    page.on('request', (req) => sent.push(`${req.method()} ${new URL(req.url()).pathname}`));
    page.on('pageerror', (err) => check(false, `no script error on the page (${err.message})`));

    const response = await page.goto(`${baseUrl}/plugins/clusterdemo/dashboard`);
    check(response.status() === 200, `the dashboard answers the admin with 200 (got ${response.status()})`);

    // Both nodes, alive.
    for (const name of [node1Name, node2Name]) {
        await waitFor(page, `the Nodes table shows ${name} alive`, async () => await row(page, 'Nodes', name, 'Alive').count() > 0);
    }
    // The lock node 1 holds, with node 1's colour.
    const lockRow = row(page, 'Locks', heldLock);
    await waitFor(page, `the Locks table shows ${heldLock} held by ${node1Name}`, async () => (await lockRow.count()) > 0 && (await lockRow.first().innerText()).includes(node1Name));
    const nodeColour = await swatchColour(row(page, 'Nodes', node1Name, 'Alive').first());
    const otherColour = await swatchColour(row(page, 'Nodes', node2Name, 'Alive').first());
    const lockColour = await swatchColour(lockRow.first());
    check(lockColour === nodeColour, `${heldLock}'s holder is drawn in node 1's colour (${lockColour} vs ${nodeColour})`);
    check(nodeColour !== otherColour, `the two nodes have different colours (${nodeColour}, ${otherColour})`);

    // A job's last node.
    const jobRow = row(page, 'Jobs', job);
    await waitFor(page, `the Jobs table shows ${job}'s last node`, async () => {
        const text = await jobRow.first().locator('.cd-last-run').innerText().catch(() => '');
        return text.includes(node1Name) || text.includes(node2Name);
    });
    await screenshot(page, 'overview');

    // Run now: wait until the job is idle, click, and see it running.
    await waitFor(page, `${job} idle before Run now`, async () => (await jobRow.first().innerText()).includes('Idle'));
    await page.getByRole('button', {name: `Run job ${job} now`}).click();
    await waitFor(page, `${job} shown running after Run now`, async () => (await jobRow.first().innerText()).includes('Running on'));
    const running = await jobRow.first().locator('.cd-running').innerText().catch(() => '');
    check(running.includes(node1Name) || running.includes(node2Name), `the Running now cell names the node running ${job} ("${running}")`);
    await screenshot(page, 'run-now');

    // A bad name is refused in the form, with the rule, before any request.
    const name = page.getByLabel('Lock name');
    const seconds = page.getByLabel('Hold for (seconds)');
    const before = sent.length;
    await name.fill('bad/name');
    await page.getByRole('button', {name: 'Take lock'}).click();
    await waitFor(page, 'the form shows the lock-name rule for bad/name', async () => (await page.locator('#cd-lock-name-help').innerText()).includes('1–64 characters'));
    check(!sent.slice(before).some((r) => r.includes('/acquire')), 'the bad name sent no request');
    check(await name.getAttribute('aria-invalid') === 'true', 'the name field is marked invalid');

    // Take and release a lock from the form.
    await name.fill(formLock);
    await seconds.fill('60');
    await page.getByRole('button', {name: 'Take lock'}).click();
    const formRow = row(page, 'Locks', formLock);
    await waitFor(page, `${formLock} shown held by ${node2Name}, the node that answered`, async () => (await formRow.count()) > 0 && (await formRow.first().innerText()).includes(node2Name));
    await screenshot(page, 'lock-taken');
    await page.getByRole('button', {name: `Release lock ${formLock}`}).click();
    await waitFor(page, `${formLock} shown free after Release`, async () => (await formRow.first().innerText()).includes('Free'));
    await screenshot(page, 'lock-released');
    await page.close();
}

async function asUser(context) {
    await useSession(context, baseUrl, user);
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}/plugins/clusterdemo/dashboard`);
    check(response.status() === 403, `the dashboard answers the non-admin with 403 (got ${response.status()})`);
    // The panel's 403 state, not a bare error: the words a person
    // reads in the System Console too.
    const forbidden = 'Only system admins can see cluster status';
    await waitFor(page, `the non-admin sees the panel's 403 state ("${forbidden}")`, async () => (await page.locator('body').innerText()).includes(forbidden));
    const text = await page.locator('body').innerText();
    log(`the non-admin's page reads: "${text.trim().slice(0, 160)}"`);
    check(!text.includes(node1Name) && !text.includes(node2Name), 'the non-admin sees no node names');
    await screenshot(page, 'non-admin');
    await page.close();
}

async function main() {
    await withFreshProfile(log, async (context) => {
        await asAdmin(context);
        await asUser(context);
    });
}

run(main);
