import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createTracker } from '../src/tracker.js';
import { fakeBrowser, settle, ids } from './fake_browser.js';

const T0 = 1_700_000_000_000;
const quiet = { autoPageView: false, endpoint: 'http://gw:8080/' };

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
});

test('a batch leaves at batchSize events, or flushMs after the first', () => {
    const b = fakeBrowser();
    const t = createTracker({ ...quiet, batchSize: 3, flushMs: 1000 }, b.env);
    t.track('click', { n: 1 });
    assert.equal(b.sockets.length, 0, 'nothing before the batch is due');
    mock.timers.tick(999);
    assert.equal(b.sockets.length, 0);
    mock.timers.tick(1);
    assert.equal(b.sockets.length, 1);
    assert.equal(b.sockets[0].url, 'ws://gw:8080/ws/events');
    b.sockets[0].open();
    assert.deepEqual(b.sockets[0].batches.map((x) => x.length), [1]);
    t.track('click');
    t.track('click');
    assert.equal(b.sockets[0].batches.length, 1, 'two events wait');
    t.track('add_to_cart', { item: 7 });
    assert.deepEqual(b.sockets[0].batches.map((x) => x.length), [1, 3], 'the third fills a batch');
    const e = b.sockets[0].batches[1][2];
    assert.equal(e.type, 'add_to_cart');
    assert.deepEqual(e.props, { item: 7 });
    assert.equal(e.ts, T0 + 1000);
    assert.equal(e.page, '/');
});

test('acknowledged batches leave the stored queue; a dropped socket resends the same ids', () => {
    const b = fakeBrowser();
    mock.method(Math, 'random', () => 1);
    const t = createTracker({ ...quiet, batchSize: 2, backoffMs: 500 }, b.env);
    t.track('click');
    t.track('click');
    b.sockets[0].open();
    t.track('search');
    t.track('search');
    const [first, second] = b.sockets[0].batches;
    b.sockets[0].ack();
    assert.deepEqual(ids(JSON.parse(b.storage.get('bpa_q'))), ids(second));
    b.sockets[0].drop(); // the second batch's ack never came
    assert.equal(t.stats().resent, 2);
    mock.timers.tick(499);
    assert.equal(b.sockets.length, 1, 'reconnects only after the backoff');
    mock.timers.tick(1);
    assert.equal(b.sockets.length, 2);
    b.sockets[1].open();
    assert.deepEqual(b.sockets[1].batches.map(ids), [ids(second)], 'same events, same ids');
    assert.notDeepEqual(ids(first), ids(second));
    b.sockets[1].ack([{ index: 0, reason: 'invalid_field:type' }]);
    assert.equal(t.stats().queued, 0);
    assert.equal(t.stats().rejected, 1);
    assert.deepEqual(JSON.parse(b.storage.get('bpa_q')), []);
});

test('reconnects back off exponentially with jitter, capped', () => {
    const delays = (random) => {
        const b = fakeBrowser();
        mock.method(Math, 'random', () => random);
        const t = createTracker({ ...quiet, batchSize: 1, backoffMs: 100, backoffMaxMs: 1000, wsFailures: 99 }, b.env);
        t.track('click');
        const out = [];
        for (let i = 0; i < 6; i++) {
            b.sockets.at(-1).drop();
            let waited = 0;
            const before = b.sockets.length;
            while (b.sockets.length === before) {
                mock.timers.tick(1);
                waited++;
            }
            out.push(waited);
        }
        return out;
    };
    assert.deepEqual(delays(1), [100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual(delays(0), [50, 100, 200, 400, 500, 500]);
});

test('after wsFailures failed sockets, HTTP posts carry the batches and 5xx is retried', async () => {
    const b = fakeBrowser();
    mock.method(Math, 'random', () => 1);
    const t = createTracker({ ...quiet, token: 'k y', batchSize: 2, backoffMs: 100, wsFailures: 2 }, b.env);
    t.track('click');
    t.track('click');
    b.sockets[0].drop();
    mock.timers.tick(100);
    b.sockets[1].drop();
    mock.timers.tick(200);
    assert.equal(b.sockets.length, 2, 'no third socket');
    assert.equal(b.posts.length, 1);
    const post = b.posts[0];
    assert.equal(post.url, 'http://gw:8080/v1/events?token=k%20y');
    assert.equal(post.init.headers['Content-Type'], 'text/plain');
    assert.equal(post.events.length, 2);
    post.answer(503);
    await settle();
    assert.equal(t.stats().queued, 2, 'kept after a 503');
    mock.timers.tick(400);
    assert.equal(b.posts.length, 2);
    assert.deepEqual(ids(b.posts[1].events), ids(post.events));
    b.posts[1].fail();
    await settle();
    mock.timers.tick(800);
    b.posts[2].answer(200);
    await settle();
    assert.equal(t.stats().queued, 0);
});

test('offline: the queue is bounded (oldest dropped, counted) and sent when back online', () => {
    const b = fakeBrowser({ online: false });
    const t = createTracker({ ...quiet, batchSize: 2, maxQueue: 5 }, b.env);
    for (let i = 0; i < 8; i++) t.track('click', { i });
    mock.timers.tick(5000);
    assert.equal(b.sockets.length, 0, 'nothing sent offline');
    assert.deepEqual(t.stats().queued, 5);
    assert.equal(t.stats().dropped, 3);
    const stored = JSON.parse(b.storage.get('bpa_q'));
    assert.deepEqual(stored.map((e) => e.props.i), [3, 4, 5, 6, 7]);
    assert.equal(b.storage.get('bpa_drop'), '3');
    b.env.dispatch('online');
    b.sockets[0].open();
    assert.deepEqual(b.sockets[0].batches.map((x) => x.map((e) => e.props.i)), [[3, 4], [5, 6], [7]]);
});

test('a full queue never drops a batch that waits for its ack', () => {
    const b = fakeBrowser();
    const t = createTracker({ ...quiet, batchSize: 2, maxQueue: 3 }, b.env);
    t.track('click', { i: 0 });
    t.track('click', { i: 1 });
    b.sockets[0].open();
    t.track('click', { i: 2 });
    t.track('click', { i: 3 });
    assert.deepEqual(JSON.parse(b.storage.get('bpa_q')).map((e) => e.props.i), [0, 1, 3]);
    b.sockets[0].ack();
    assert.deepEqual(JSON.parse(b.storage.get('bpa_q')).map((e) => e.props.i), [3]);
});

test('a new page sends what the last one left in the queue', () => {
    const storage = new Map();
    const first = fakeBrowser({ online: false, storage });
    createTracker({ ...quiet, batchSize: 5 }, first.env).track('click');
    const second = fakeBrowser({ storage });
    createTracker(quiet, second.env);
    second.sockets[0].open();
    assert.equal(second.sockets[0].batches[0][0].type, 'click');
});

test('pagehide hands every unacknowledged event to sendBeacon', () => {
    const b = fakeBrowser();
    const t = createTracker({ ...quiet, batchSize: 2, token: 't' }, b.env);
    t.track('click');
    t.track('click');
    b.sockets[0].open(); // on the wire, no ack yet
    t.track('checkout');
    b.env.dispatch('pagehide');
    assert.equal(b.beacons.length, 1);
    assert.equal(b.beacons[0].url, 'http://gw:8080/v1/events?token=t');
    assert.deepEqual(b.beacons[0].events.map((e) => e.type), ['click', 'click', 'checkout']);
    assert.equal(t.stats().queued, 0);
});

test('the session id rolls over after 30 minutes without an event', () => {
    const b = fakeBrowser();
    const t = createTracker({ ...quiet, batchSize: 1, maxQueue: 10 }, b.env);
    b.env.navigator.onLine = false;
    b.env.dispatch('offline');
    t.track('click');
    mock.timers.tick(30 * 60 * 1000 - 1);
    t.track('click');
    mock.timers.tick(30 * 60 * 1000);
    t.track('click');
    const q = JSON.parse(b.storage.get('bpa_q'));
    assert.equal(q[0].session_id, q[1].session_id);
    assert.notEqual(q[1].session_id, q[2].session_id);
});

test('the anonymous id survives a reload; identify sets the user id of later events', () => {
    const storage = new Map();
    const a = fakeBrowser({ online: false, storage });
    const t1 = createTracker(quiet, a.env);
    const anonymous = t1.anonymousId();
    t1.track('click');
    t1.identify('u42');
    t1.track('click');
    const q = JSON.parse(storage.get('bpa_q'));
    assert.equal(q[0].user_id, anonymous);
    assert.equal(q[1].user_id, 'u42');
    const t2 = createTracker(quiet, fakeBrowser({ storage }).env);
    assert.equal(t2.anonymousId(), anonymous);
    assert.equal(t2.userId(), 'u42');
});

test('page views: on start, on history navigations, not on a same-path replace', () => {
    const b = fakeBrowser({ online: false });
    const t = createTracker({ endpoint: 'http://gw', maxQueue: 50 }, b.env);
    b.env.history.pushState({}, '', '/item/7');
    b.env.history.replaceState({}, '', '/item/7');
    b.env.location.pathname = '/cart';
    b.env.dispatch('popstate');
    assert.deepEqual(
        JSON.parse(b.storage.get('bpa_q')).map((e) => [e.type, e.page]),
        [['page_view', '/'], ['page_view', '/item/7'], ['page_view', '/cart']],
    );
    assert.equal(t.stats().queued, 3);
});

test('Global Privacy Control and Do Not Track are honoured when the site opts in', () => {
    for (const navigator of [{ globalPrivacyControl: true }, { doNotTrack: '1' }]) {
        const opted = fakeBrowser({ navigator });
        createTracker({ ...quiet, respectPrivacy: true, batchSize: 1 }, opted.env).track('click');
        assert.equal(opted.sockets.length, 0);
        assert.equal(opted.storage.get('bpa_q'), undefined);
        const ignored = fakeBrowser({ navigator });
        createTracker({ ...quiet, batchSize: 1 }, ignored.env).track('click');
        assert.equal(ignored.sockets.length, 1, 'without the opt-in the signal is not read');
    }
});
