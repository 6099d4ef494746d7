// The demo shop in Debian's Chromium against the real stack (./pipeline test starts it): what a
// shopper does must come out of ClickHouse exactly, through offline spells, closed tabs and
// dropped WebSockets. Each test has a browser context of its own, so a shopper of its own (a new
// anonymous id), and reads only that shopper's rows; the funnel and conversion rows, which
// every shopper shares, are read for the hour and minutes of the journey.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import {
    gateway, listedShop, unlistedShop, query, numeric, quote, eventually, metric, launchChromium,
    shopPage, drained, eventsOf,
} from './stack.js';

const SCREENSHOT = process.env.BROWSER_SCREENSHOT || '';
let browser;

before(async () => {
    browser = await launchChromium();
});
after(async () => {
    await browser?.close();
});

const minute = (ms) => Math.floor(ms / 60_000) * 60_000;
const hour = (ms) => Math.floor(ms / 3_600_000) * 3_600_000;
const seconds = (ms) => Math.floor(ms / 1000);
const typesAndPages = (events) => events.map((e) => `${e.type} ${e.page}`).sort();

async function funnelRow(hourMs) {
    const rows = await query(
        `SELECT sessions, step1, step2, step3 FROM analytics.funnel WHERE toUInt32(hour) = ${seconds(hourMs)}`,
    );
    return rows.length ? numeric(rows[0]) : { sessions: 0, step1: 0, step2: 0, step3: 0 };
}

test('a shopper browses, adds to cart and buys: events, session, funnel and conversion are exact', async () => {
    // The conversion rows of the journey's minutes must be the shopper's alone: start in a
    // minute no earlier event (the e2e stage's live stream) has touched.
    const [{ latest }] = await query('SELECT toUInt64(max(ts_ms)) AS latest FROM analytics.events');
    while (minute(Date.now()) <= minute(Number(latest))) await new Promise((r) => setTimeout(r, 1000));
    const start = Date.now();
    const funnelBefore = { [hour(start)]: await funnelRow(hour(start)), [hour(start) + 3_600_000]: await funnelRow(hour(start) + 3_600_000) };

    const { context, page } = await shopPage(browser, listedShop);
    const user = await page.evaluate(() => window.analytics.userId());
    await page.click('a.card[data-item="3"]');
    await page.waitForURL(/product\.html\?id=3/);
    await page.click('#add');
    await page.waitForSelector('#status:has-text("Added")');
    if (SCREENSHOT) {
        mkdirSync(SCREENSHOT.replace(/\/[^/]*$/, ''), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });
    }
    await page.click('text=Go to the cart');
    await page.waitForURL(/cart\.html/);
    await page.click('#checkout');
    await page.waitForURL(/checkout\.html/);
    await page.click('#place-order');
    await page.waitForURL(/thanks\.html/);
    await drained(page);
    await context.close();

    const expected = [
        'page_view /shop/', 'click /shop/',
        'page_view /shop/product.html', 'add_to_cart /shop/product.html',
        'page_view /shop/cart.html', 'checkout /shop/cart.html',
        'page_view /shop/checkout.html', 'purchase /shop/checkout.html',
        'page_view /shop/thanks.html',
    ].sort();
    const events = await eventually(async () => {
        const rows = await eventsOf(user);
        assert.deepEqual(typesAndPages(rows), expected);
        return rows;
    });
    assert.equal(new Set(events.map((e) => e.event_id)).size, 9);
    const first = Number(events[0].ts_ms);
    const last = Number(events.at(-1).ts_ms);
    const sessionId = `${user}:${first}`;
    for (const e of events) assert.equal(e.session_id, sessionId);

    await eventually(async () => {
        const sessions = await query(
            `SELECT session_id, session_start_ms, session_end_ms, events, page_views, purchased, funnel_step ` +
                `FROM analytics.sessions WHERE user_id = ${quote(user)}`,
        );
        assert.deepEqual(sessions.map(numeric), [
            { session_id: sessionId, session_start_ms: first, session_end_ms: last, events: 9, page_views: 5, purchased: 1, funnel_step: 3 },
        ]);
    });

    // The funnel of the session's hour: this session added one to every step.
    await eventually(async () => {
        const before = funnelBefore[hour(first)];
        assert.deepEqual(await funnelRow(hour(first)), {
            sessions: before.sessions + 1, step1: before.step1 + 1, step2: before.step2 + 1, step3: before.step3 + 1,
        });
    });

    // Conversion per minute: the shopper viewed in every minute with a page view, bought in
    // the minute of the purchase; a minute with neither has no row.
    const byMinute = new Map();
    for (const e of events) {
        const w = byMinute.get(minute(Number(e.ts_ms))) || { viewers: 0, purchasers: 0 };
        if (e.type === 'page_view') w.viewers = 1;
        if (e.type === 'purchase') w.purchasers = 1;
        byMinute.set(minute(Number(e.ts_ms)), w);
    }
    const expectedConversion = [...byMinute]
        .filter(([, w]) => w.viewers || w.purchasers)
        .map(([w, c]) => ({ window: seconds(w), viewers: c.viewers, purchasers: c.purchasers, converted: c.viewers & c.purchasers }));
    await eventually(async () => {
        const windows = [...byMinute.keys()].map(seconds).join(',');
        const rows = await query(
            `SELECT toUInt32(window_start) AS window, viewers, purchasers, converted FROM analytics.conversion ` +
                `WHERE toUInt32(window_start) IN (${windows}) ORDER BY window`,
        );
        assert.deepEqual(rows.map(numeric), expectedConversion);
    });
});

test('offline mid-journey and back: every event arrives exactly once', async () => {
    const { context, page } = await shopPage(browser, listedShop + 'product.html?id=2', { flushMs: 300 });
    const user = await page.evaluate(() => window.analytics.userId());
    await drained(page);
    await context.setOffline(true);
    await page.click('#add');
    await page.click('#favorite');
    await page.click('#add');
    await page.waitForTimeout(1500); // several flush periods
    const waiting = await page.evaluate(() => JSON.parse(localStorage.getItem('bpa_q')).length);
    assert.equal(waiting, 3, 'the offline events wait in the stored queue');
    await context.setOffline(false);
    await drained(page);
    await context.close();
    const rows = await eventually(async () => {
        const events = await eventsOf(user);
        assert.deepEqual(typesAndPages(events), [
            'add_to_cart /shop/product.html', 'add_to_cart /shop/product.html',
            'favorite /shop/product.html', 'page_view /shop/product.html',
        ]);
        return events;
    });
    assert.equal(new Set(rows.map((e) => e.event_id)).size, 4);
});

test('a tab closed with a batch pending: the beacon delivers it', async () => {
    // A long flush interval: nothing leaves the page before it closes.
    const { context, page } = await shopPage(browser, listedShop, { flushMs: 600_000, batchSize: 100 });
    const user = await page.evaluate(() => window.analytics.userId());
    await page.fill('#query', 'grinder');
    await page.click('#search button');
    assert.equal(await page.evaluate(() => window.analytics.stats().queued), 2);
    assert.equal(await page.evaluate(() => window.analytics.stats().sent), 0);
    await page.close({ runBeforeUnload: true });
    await eventually(async () => {
        assert.deepEqual(typesAndPages(await eventsOf(user)), ['page_view /shop/', 'search /shop/']);
    });
    await context.close();
});

test('a WebSocket dropped before its ack: the resent batch counts once', async () => {
    const { context, page } = await (async () => {
        const context = await browser.newContext();
        await context.addInitScript((opts) => { window.analyticsOptions = opts; },
            { endpoint: gateway, batchSize: 3, flushMs: 60_000, backoffMs: 200 });
        let dropped = false;
        // Between page and gateway: every message goes through; the first ack is swallowed and
        // the page's socket closed, after the gateway has put the batch into Kafka.
        await context.routeWebSocket(/\/ws\/events/, (ws) => {
            const server = ws.connectToServer();
            ws.onMessage((message) => server.send(message));
            server.onMessage((message) => {
                if (dropped) return ws.send(message);
                dropped = true;
                ws.close();
                server.close();
            });
        });
        const page = await context.newPage();
        return { context, page };
    })();
    const acceptedBefore = await metric('gateway_events_accepted_total');
    await page.goto(listedShop);
    const user = await page.evaluate(() => window.analytics.userId());
    await page.fill('#query', 'cup');
    await page.click('#search button');
    await page.click('#search button'); // the third event fills the batch
    await drained(page);
    assert.equal(await page.evaluate(() => window.analytics.stats().resent), 3);
    await context.close();
    assert.equal(await metric('gateway_events_accepted_total') - acceptedBefore, 6, 'the batch reached Kafka twice');
    const rows = await eventually(async () => {
        const events = await eventsOf(user);
        assert.deepEqual(typesAndPages(events), ['page_view /shop/', 'search /shop/', 'search /shop/']);
        return events;
    });
    assert.equal(new Set(rows.map((e) => e.event_id)).size, 3);
});

test('a reload keeps the anonymous id; identify shows in later events', async () => {
    const { context, page } = await shopPage(browser, listedShop, { flushMs: 200 });
    const anonymous = await page.evaluate(() => window.analytics.anonymousId());
    await drained(page);
    await page.reload();
    assert.equal(await page.evaluate(() => window.analytics.anonymousId()), anonymous);
    const signedIn = `browser-${anonymous.slice(0, 8)}`;
    await page.fill('#user', signedIn);
    await page.click('#login button');
    await page.click('a.card[data-item="1"]');
    await page.waitForURL(/product\.html/);
    await drained(page);
    await context.close();
    await eventually(async () => {
        assert.deepEqual(typesAndPages(await eventsOf(anonymous)), ['page_view /shop/', 'page_view /shop/']);
        assert.deepEqual(typesAndPages(await eventsOf(signedIn)), ['click /shop/', 'page_view /shop/product.html']);
    });
});

test('a page from an origin not in GATEWAY_CORS_ORIGINS is refused', async () => {
    const refusedBefore = await metric('gateway_origin_refusals_total');
    const { context, page } = await shopPage(browser, unlistedShop, { flushMs: 100, backoffMs: 100, backoffMaxMs: 400 });
    const user = await page.evaluate(() => window.analytics.userId());
    await page.click('#favorite').catch(() => {}); // no such button on the catalogue: nothing
    await page.fill('#query', 'kettle');
    await page.click('#search button');
    // The page's own attempt to post is refused too: no CORS answer for this origin.
    const posted = await page.evaluate(async (url) => {
        try {
            await fetch(url, { method: 'POST', body: '[]', headers: { 'Content-Type': 'text/plain' } });
            return 'answered';
        } catch (e) {
            return 'refused';
        }
    }, `${gateway}/v1/events`);
    assert.equal(posted, 'refused');
    // WebSockets refused three times, then HTTP posts, refused as well.
    await eventually(async () => assert.ok((await metric('gateway_origin_refusals_total')) - refusedBefore >= 5), 30_000);
    assert.equal(await page.evaluate(() => window.analytics.stats().queued), 2, 'still waiting, nothing delivered');
    await context.close();
    // Nothing of this shopper may arrive (the rows of the tests before show that rows do).
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual(await eventsOf(user), []);
});
