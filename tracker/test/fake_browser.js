// A stand-in for the browser globals the tracker uses (localStorage, navigator, location,
// history, WebSocket, fetch, events), recording what the tracker sends.

export function fakeBrowser({ online = true, storage = new Map(), navigator = {} } = {}) {
    const listeners = {};
    const sockets = [];
    const posts = [];
    const beacons = [];
    let ids = 0;

    class FakeWebSocket {
        constructor(url) {
            this.url = url;
            this.readyState = 0;
            this.batches = [];
            sockets.push(this);
        }
        send(text) {
            this.batches.push(JSON.parse(text));
        }
        // The server side of the test.
        open() {
            this.readyState = 1;
            this.onopen();
        }
        ack(rejected = []) {
            this.onmessage({ data: JSON.stringify({ ack: 1, accepted: 0, rejected }) });
        }
        drop() {
            this.readyState = 3;
            this.onclose();
        }
    }

    const env = {
        navigator: {
            onLine: online,
            sendBeacon(url, body) {
                beacons.push({ url, events: JSON.parse(body) });
                return true;
            },
            ...navigator,
        },
        localStorage: {
            getItem: (key) => (storage.has(key) ? storage.get(key) : null),
            setItem: (key, value) => storage.set(key, String(value)),
        },
        location: { pathname: '/' },
        history: {
            pushState(state, title, path) {
                env.location.pathname = path;
            },
            replaceState(state, title, path) {
                env.location.pathname = path;
            },
        },
        WebSocket: FakeWebSocket,
        fetch(url, init) {
            return new Promise((resolve, reject) => {
                posts.push({
                    url,
                    init,
                    events: JSON.parse(init.body),
                    answer: (status) => resolve({ status }),
                    fail: () => reject(new TypeError('network error')),
                });
            });
        },
        crypto: { randomUUID: () => 'id-' + ++ids },
        addEventListener(type, fn) {
            (listeners[type] ||= []).push(fn);
        },
        dispatch(type) {
            for (const fn of listeners[type] || []) fn();
        },
    };
    return { env, sockets, posts, beacons, storage };
}

// Lets pending promise callbacks (fetch answers) run; setImmediate is not faked.
export const settle = () => new Promise((resolve) => setImmediate(resolve));

export const ids = (events) => events.map((e) => e.event_id);
