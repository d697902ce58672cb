// Reads the dashboard's timeline in Debian's chromium through
// playwright-core, as dev/e2e/browser_timeline_test.go asks, after the test
// moved a lock from node 1 to node 2 and killed node 2. The page opens only
// then: what it draws comes from the history the server kept meanwhile.
// Parameters arrive as JSON in CLUSTERDEMO_E2E_BROWSER; the exit status is 0
// only when every check held. Screenshots go to params.screenshots, the
// timeline's own to params.timelineShot.

import {harness, useSession, withFreshProfile} from './harness.mjs';

const params = JSON.parse(process.env.CLUSTERDEMO_E2E_BROWSER ?? '{}');
const {
    baseUrl, // node 1, alive throughout
    admin, // {token, userId, csrf}
    node1Name,
    node2Name, // killed
    lock, // held by node 1, released, then held by node 2 until it died
    screenshots,
    timelineShot,
    timeoutMs,
} = params;

const {log, check, screenshot, waitFor, run} = harness({screenshots, timeoutMs});

// The colour a node's swatch in the Nodes table is drawn in.
async function nodeColour(page, name) {
    const rowOf = page.getByRole('table', {name: 'Nodes'}).locator('tbody tr').filter({hasText: name});
    return rowOf.first().locator('.cd-swatch').first().evaluate((el) => getComputedStyle(el).backgroundColor);
}

async function main() {
    await withFreshProfile(log, async (context) => {
        await useSession(context, baseUrl, admin);
        const page = await context.newPage();
        page.on('pageerror', (err) => check(false, `no script error on the page (${err.message})`));
        const response = await page.goto(`${baseUrl}/plugins/clusterdemo/dashboard`);
        check(response.status() === 200, `the dashboard answers with 200 (got ${response.status()})`);

        // The lock's lane: its bars are labelled "<lock>: held by <node> ...".
        const lane = page.getByRole('group', {name: new RegExp(`^lock ${lock}: `)});
        const bar = (name) => lane.getByRole('img', {name: new RegExp(`^lock ${lock}: held by ${name}`)});
        await waitFor(page, `the timeline has a lane for ${lock} with a bar of each node`, async () =>
            (await bar(node1Name).count()) === 1 && (await bar(node2Name).count()) === 1);

        const [colour1, colour2] = [await nodeColour(page, node1Name), await nodeColour(page, node2Name)];
        const fill = (locator) => locator.first().evaluate((el) => getComputedStyle(el).fill);
        const [fill1, fill2] = [await fill(bar(node1Name)), await fill(bar(node2Name))];
        check(fill1 === colour1, `${node1Name}'s bar is in ${node1Name}'s colour (${fill1} vs ${colour1})`);
        check(fill2 === colour2, `${node2Name}'s bar is in ${node2Name}'s colour (${fill2} vs ${colour2})`);
        check(colour1 !== colour2, `the two nodes' colours differ (${colour1}, ${colour2})`);

        const label1 = await bar(node1Name).first().getAttribute('aria-label');
        const label2 = await bar(node2Name).first().getAttribute('aria-label');
        log(`bars: "${label1}" / "${label2}"`);
        check(label1.includes('released'), `${node1Name}'s bar ends with the release ("${label1}")`);
        check(!label2.includes('still held'), `${node2Name}'s bar ends after the kill ("${label2}")`);

        // The death marker: in the lane and in the list of node events.
        await waitFor(page, `a death marker of ${node2Name} on the lane`, async () => (await lane.locator('line.cd-event-gone').count()) > 0);
        const events = page.getByRole('list', {name: 'Node events'});
        await waitFor(page, `the node events list ${node2Name} gone`, async () =>
            (await events.count()) > 0 && (await events.innerText()).includes(`${node2Name} gone`));

        await screenshot(page, 'timeline-page');
        const section = page.locator('section.cd-timeline');
        await section.screenshot({path: timelineShot});
        log(`timeline screenshot ${timelineShot}`);
        await page.close();
    });
}

run(main);
