// What every browser script of the end-to-end suite shares: its checks and
// their report, screenshots, polling waits, Debian's chromium, and quitting
// when the Go test that started it is gone. A script runs main through run()
// and exits 0 only when every check held.

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {chromium} from 'playwright-core';

// chromiumOptions launch Debian's chromium (never a downloaded browser),
// headless, quiet on the network.
export const chromiumOptions = {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
    ],
};

// harness returns the checks of one script: screenshots go to screenshots
// (numbered in order), each wait gives up after timeoutMs.
export function harness({screenshots, timeoutMs}) {
    const failures = [];
    let shot = 0;

    function log(message) {
        console.log(`browser: ${message}`);
    }

    function check(ok, message) {
        if (ok) {
            log(`ok: ${message}`);
        } else {
            log(`FAIL: ${message}`);
            failures.push(message);
        }
    }

    async function screenshot(page, name) {
        shot += 1;
        const path = join(screenshots, `${String(shot).padStart(2, '0')}-${name}.png`);
        await page.screenshot({path, fullPage: true});
        log(`screenshot ${path}`);
    }

    // waitFor polls cond (an async predicate) until it holds or timeoutMs passes.
    async function waitFor(page, what, cond) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            if (await cond()) {
                return true;
            }
            if (Date.now() > deadline) {
                check(false, `${what} (not within ${timeoutMs} ms)`);
                return false;
            }
            await page.waitForTimeout(200);
        }
    }

    // run runs main, then exits 0 when every check held, 1 otherwise.
    function run(main) {
        // The Go test holds our stdin open while it waits for us: when it
        // ends, for whatever reason, so do we (and playwright closes the
        // browser it started).
        process.stdin.on('end', () => {
            console.error('browser: the test that started this script is gone; quitting');
            process.exit(3);
        });
        process.stdin.resume();
        main().then(() => {
            if (failures.length > 0) {
                console.error(`browser: ${failures.length} check(s) failed:\n- ${failures.join('\n- ')}`);
                process.exit(1);
            }
            log('all checks passed');
            process.exit(0); // stdin, read to notice the test's end, keeps node alive otherwise
        }, (err) => {
            console.error(`browser: ${err.stack ?? err}`);
            process.exit(1);
        });
    }

    return {log, check, screenshot, waitFor, run};
}

// withFreshProfile runs use with a browser context on a new, empty chromium
// profile (no cookie, no cache: a person's first visit) and removes the
// profile afterwards.
export async function withFreshProfile(log, use) {
    const userDataDir = mkdtempSync(join(tmpdir(), 'clusterdemo-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        ...chromiumOptions,
        viewport: {width: 1400, height: 1000},
    });
    log(`chromium ${context.browser()?.version() ?? ''}, fresh profile ${userDataDir}`);
    try {
        await use(context);
    } finally {
        await context.close();
        rmSync(userDataDir, {recursive: true, force: true});
    }
}

// useSession replaces the context's cookies for baseUrl with a session's
// ({token, userId, csrf}), as the web app's login leaves them.
export async function useSession(context, baseUrl, session) {
    await context.clearCookies();
    const cookie = (name, value) => ({name, value, url: baseUrl, sameSite: 'Lax'});
    await context.addCookies([
        cookie('MMAUTHTOKEN', session.token),
        cookie('MMUSERID', session.userId),
        cookie('MMCSRF', session.csrf),
    ]);
}
