// The browser tracker: records page views (SPA navigations included) and the events a page
// tracks, batches them, and delivers each one at least once to the gateway; the pipeline
// counts an event_id once, so a resend is always safe.
//
// Delivery: over a WebSocket with acknowledgements (one ack per batch, in order), falling back
// to HTTP POST /v1/events when WebSockets keep failing, and to navigator.sendBeacon when the
// page goes away. Every event waits in `queue` until it is acknowledged, and the queue is
// kept in localStorage, so a page closed or offline loses nothing that fits the queue's bound.
//
// Lifetimes: the anonymous id and the identified user id live in localStorage until the site's
// data is cleared (no cookies); the session id until 30 min without an event; the queue until
// its events are acknowledged (or dropped, oldest first, beyond `maxQueue`).
//
// `env` is the browser's global object; the unit tests pass a stand-in.

export function createTracker(options = {}, env = globalThis) {
    const {
        endpoint = '',
        token,
        batchSize = 10, // flush when this many events wait...
        flushMs = 1000, // ...or this long after the first of them
        maxQueue = 500, // events kept at most (localStorage); the oldest unsent are dropped
        backoffMs = 500, // first reconnect delay, doubled per failure...
        backoffMaxMs = 30000, // ...up to this, with jitter (half to all of the delay)
        wsFailures = 3, // WebSocket failures in a row after which HTTP posts take over
        respectPrivacy = false, // true: send nothing when the browser asks not to be tracked
        autoPageView = true,
        prefix = 'bpa_', // localStorage key prefix
    } = options;
    const nav = env.navigator || {};
    const store = env.localStorage;
    const base = endpoint.replace(/\/$/, '');
    const query = token ? '?token=' + encodeURIComponent(token) : '';
    const postUrl = base + '/v1/events' + query;
    const optedOut =
        respectPrivacy && (nav.globalPrivacyControl === true || nav.doNotTrack === '1');

    const load = (key) => {
        try {
            return store.getItem(prefix + key);
        } catch (e) {
            return null; // storage blocked: the tracker works, without persistence
        }
    };
    const save = (key, value) => {
        try {
            store.setItem(prefix + key, value);
        } catch (e) {
            // full or blocked: the in-memory state still holds
        }
    };
    const uuid = () => {
        try {
            return env.crypto.randomUUID();
        } catch (e) {
            // randomUUID exists only in secure contexts (https, localhost)
            return Date.now().toString(36) + Math.random().toString(36).slice(2) +
                Math.random().toString(36).slice(2);
        }
    };

    let anonymousId = load('aid');
    if (!anonymousId) save('aid', (anonymousId = uuid()));
    let userId = load('uid');
    let queue = [];
    try {
        queue = JSON.parse(load('q')) || [];
    } catch (e) {
        // a damaged queue is dropped
    }
    const stats = { dropped: +load('drop') || 0, rejected: 0, sent: 0, resent: 0 };
    // Batches sent and not yet acknowledged, by size. They are always the head of `queue`:
    // batches are taken from the head and acknowledged in order.
    let inflight = [];
    let ws = null;
    let failures = 0; // WebSocket failures in a row
    let attempt = 0; // backoff exponent
    let flushTimer = 0;
    let retryTimer = 0;
    let posting = false;
    let online = nav.onLine !== false;
    let lastPage = null;

    const inflightCount = () => inflight.reduce((a, b) => a + b, 0);
    const persist = () => {
        save('q', JSON.stringify(queue));
        save('drop', stats.dropped);
    };
    // Acknowledged (or finally refused): the first `n` events leave the queue.
    const done = (n) => {
        queue.splice(0, n);
        persist();
    };

    function sessionId(now) {
        let id = load('sid');
        if (!id || now - (+load('sts') || 0) >= 30 * 60 * 1000) save('sid', (id = uuid()));
        save('sts', now);
        return id;
    }

    function track(type, props) {
        if (optedOut) return;
        const ts = Date.now();
        const event = {
            event_id: uuid(),
            user_id: userId || anonymousId,
            type,
            ts,
            page: env.location ? env.location.pathname : '',
            session_id: sessionId(ts),
        };
        if (props) event.props = props;
        queue.push(event);
        const excess = queue.length - maxQueue;
        if (excess > 0) {
            // Oldest first, but never a batch on the wire: its ack would take the wrong events.
            queue.splice(inflightCount(), excess);
            stats.dropped += excess;
        }
        persist();
        if (queue.length - inflightCount() >= batchSize) flush();
        else if (!flushTimer) flushTimer = setTimeout(flush, flushMs);
    }

    function retryLater() {
        if (retryTimer) return;
        const delay = Math.min(backoffMaxMs, backoffMs * 2 ** attempt++);
        retryTimer = setTimeout(() => {
            retryTimer = 0;
            flush();
        }, delay / 2 + (Math.random() * delay) / 2);
    }

    function connect() {
        const socket = (ws = new env.WebSocket(base.replace(/^http/, 'ws') + '/ws/events' + query));
        socket.onopen = flush;
        socket.onmessage = (message) => {
            const ack = JSON.parse(message.data);
            stats.rejected += ack.rejected.length;
            attempt = failures = 0;
            done(inflight.shift() || 0);
            flush();
        };
        socket.onclose = () => {
            if (ws !== socket) return;
            // Whatever was not acknowledged is sent again, with the same event ids.
            if (inflight.length) stats.resent += inflightCount();
            ws = null;
            inflight = [];
            failures++;
            retryLater();
        };
    }

    function post() {
        const n = Math.min(queue.length, batchSize);
        posting = true;
        inflight = [n];
        env.fetch(postUrl, {
            method: 'POST',
            body: JSON.stringify(queue.slice(0, n)),
            headers: { 'Content-Type': 'text/plain' }, // no CORS preflight
            keepalive: true,
        })
            .then((response) => {
                const status = response.status;
                if (status === 429 || status >= 500) throw status;
                // Anything else is final: delivered, or refused for good (counted as dropped).
                if (status !== 200) stats.dropped += n;
                attempt = 0;
                done(n);
            })
            .catch(retryLater)
            .then(() => {
                posting = false;
                inflight = [];
                if (!retryTimer) flush();
            });
    }

    function flush() {
        clearTimeout(flushTimer);
        flushTimer = 0;
        if (!online || optedOut || retryTimer || posting) return;
        const useHttp = failures >= wsFailures || !env.WebSocket;
        let sent = inflightCount();
        if (sent >= queue.length) return;
        if (useHttp) return post();
        if (!ws) return connect();
        if (ws.readyState !== 1) return; // connecting: onopen flushes
        while (sent < queue.length) {
            const batch = queue.slice(sent, sent + batchSize);
            ws.send(JSON.stringify(batch));
            inflight.push(batch.length);
            stats.sent += batch.length;
            sent += batch.length;
        }
    }

    // The page goes away: hand everything unacknowledged to the browser, which delivers a
    // beacon after the page is gone. A copy already on a WebSocket may arrive twice; the
    // pipeline counts it once.
    function beacon() {
        if (!nav.sendBeacon || optedOut) return;
        while (queue.length && nav.sendBeacon(postUrl, JSON.stringify(queue.slice(0, 50)))) {
            queue.splice(0, 50);
        }
        inflight = [];
        persist();
    }

    function page(props) {
        lastPage = env.location && env.location.pathname;
        track('page_view', props);
    }

    // SPA navigations: the history API and the back button.
    function navigated() {
        if (env.location.pathname !== lastPage) page();
    }
    const history = env.history;
    if (autoPageView && history) {
        for (const name of ['pushState', 'replaceState']) {
            const original = history[name];
            history[name] = function () {
                const result = original.apply(this, arguments);
                navigated();
                return result;
            };
        }
        env.addEventListener('popstate', navigated);
    }
    if (env.addEventListener) {
        env.addEventListener('pagehide', beacon);
        env.addEventListener('offline', () => (online = false));
        env.addEventListener('online', () => {
            online = true;
            attempt = 0;
            clearTimeout(retryTimer);
            retryTimer = 0;
            flush();
        });
    }

    const tracker = {
        track,
        page,
        flush,
        identify(id) {
            save('uid', (userId = String(id)));
        },
        anonymousId: () => anonymousId,
        userId: () => userId || anonymousId,
        stats: () => ({ ...stats, queued: queue.length }),
    };
    if (autoPageView) page();
    else if (queue.length) flush(); // what an earlier page left
    return tracker;
}
