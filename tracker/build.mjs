// Builds the tracker into dist/: tracker.mjs (ES module: `import { createTracker }`) and
// tracker.js (classic <script>: starts window.analytics), both minified with terser, each with
// a .gz copy (what the gateway sends to browsers that accept gzip). Prints the sizes.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

const here = new URL('.', import.meta.url);
const source = readFileSync(new URL('src/tracker.js', here), 'utf8');
const classicStart = readFileSync(new URL('src/classic.js', here), 'utf8');
const dist = new URL('dist/', here);
mkdirSync(dist, { recursive: true });

// The classic build is the module's code without `export`, in a function scope of its own.
const classicSource = `(function(){${source.replace(/^export /gm, '')}\n${classicStart}})();`;
if (/^export /m.test(classicSource)) throw new Error('export left in the classic build');

const terserOptions = { ecma: 2020, compress: { passes: 2 }, mangle: true };
const builds = [
    ['tracker.mjs', await minify(source, { ...terserOptions, module: true })],
    ['tracker.js', await minify(classicSource, terserOptions)],
];
const sizes = {};
for (const [name, result] of builds) {
    writeFileSync(new URL(name, dist), result.code);
    const gzip = gzipSync(result.code, { level: 9 });
    writeFileSync(new URL(name + '.gz', dist), gzip);
    sizes[name] = { minified: Buffer.byteLength(result.code), gzipped: gzip.length };
    console.log(`${name}: ${sizes[name].minified} bytes minified, ${sizes[name].gzipped} gzipped`);
}
writeFileSync(new URL('sizes.json', dist), JSON.stringify(sizes, null, 2) + '\n');
