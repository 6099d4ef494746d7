// The size budget: each build at most 3 KB minified and gzipped (`npm test` builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const BUDGET = 3 * 1024;

for (const name of ['tracker.js', 'tracker.mjs']) {
    test(`${name} is at most ${BUDGET} bytes gzipped`, () => {
        const built = readFileSync(new URL(`../dist/${name}`, import.meta.url));
        const gzip = readFileSync(new URL(`../dist/${name}.gz`, import.meta.url));
        assert.deepEqual(gunzipSync(gzip), built, 'the .gz copy is of this build');
        assert.ok(gzip.length <= BUDGET, `${gzip.length} bytes gzipped`);
    });
}

test('the classic build starts window.analytics from its script tag', async () => {
    const code = readFileSync(new URL('../dist/tracker.js', import.meta.url), 'utf8');
    const window = { analyticsOptions: { autoPageView: false } };
    const document = { currentScript: { src: 'http://gw.example:8080/tracker.js', dataset: { token: 'pk' } } };
    new Function('window', 'document', 'globalThis', code)(window, document, window);
    assert.equal(typeof window.analytics.track, 'function');
    assert.equal(typeof window.analytics.identify, 'function');
});
