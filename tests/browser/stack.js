// What the browser tests need of the running stack: its addresses (from the environment that
// ./pipeline test sets), ClickHouse queries, the gateway's metrics, and Debian's Chromium.
import { chromium } from 'playwright-core';

const gatewayPort = process.env.GATEWAY_PORT || '8080';
const clickhousePort = process.env.CLICKHOUSE_HTTP_PORT || '8123';
const clickhouseAuth =
    'Basic ' +
    Buffer.from(`${process.env.CLICKHOUSE_USER || 'admin'}:${process.env.CLICKHOUSE_PASSWORD || 'admin123'}`).toString('base64');

// The gateway's address, and pages of the shop from three origins: the listed one
// (GATEWAY_CORS_ORIGINS), one that is not listed, and the gateway's own.
export const gateway = `http://127.0.0.1:${gatewayPort}`;
export const listedShop = `http://localhost:${gatewayPort}/shop/`;
export const unlistedShop = `http://127.0.0.2:${gatewayPort}/shop/`;

export async function query(sql) {
    const response = await fetch(`http://127.0.0.1:${clickhousePort}/`, {
        method: 'POST',
        headers: { Authorization: clickhouseAuth },
        body: sql + ' FORMAT JSONEachRow',
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text}`);
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

// ClickHouse writes 64-bit integers as JSON strings: the rows' counts as numbers.
export const numeric = (row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]));

export const quote = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// Polls `check` (which throws while the data is not there yet) until it passes or the time is up.
export async function eventually(check, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            return await check();
        } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1000));
        }
    }
}

export async function metric(name) {
    const text = await (await fetch(`${gateway}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name + ' '));
    return line ? Number(line.split(' ')[1]) : 0;
}

// Debian's Chromium (no browser download), with the flags a closed network needs. Playwright
// gives each launch a fresh, empty profile folder of its own.
export function launchChromium() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

// A page of the shop whose tracker sends to the gateway (from any origin) with `options`.
export async function shopPage(browser, url, options = {}) {
    const context = await browser.newContext();
    await context.addInitScript((opts) => {
        window.analyticsOptions = opts;
    }, { endpoint: gateway, ...options });
    const page = await context.newPage();
    await page.goto(url);
    return { context, page };
}

// Waits until the page's tracker has every event acknowledged.
export async function drained(page) {
    await page.waitForFunction(() => window.analytics.stats().queued === 0, null, { timeout: 60_000 });
}

export async function eventsOf(userId) {
    return query(
        `SELECT event_id, user_id, type, page, ts_ms, session_id FROM analytics.events ` +
            `WHERE user_id = ${quote(userId)} ORDER BY ts_ms, event_id`,
    );
}
