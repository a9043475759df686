// Builds alerts.js into a WebAssembly component for the `alert-rules` world.
//
//   npm install && node build.mjs [OUT.wasm]      (default: js-alerts.wasm here)
//
// componentize-js is used through its JS API; its `jco componentize` CLI wrapper has failed
// for us. COMPONENTIZE_JS may name the package's entry file instead, which is how
// ../build-examples.sh uses the copy it installs under target/ (out of the source tree).

import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const entry = process.env.COMPONENTIZE_JS;
const { componentize } = await import(
  entry ? pathToFileURL(entry).href : '@bytecodealliance/componentize-js'
);

const out = resolve(process.argv[2] ?? here('./js-alerts.wasm'));
const { component } = await componentize({
  sourcePath: here('./alerts.js'),
  witPath: here('../../../wit/v0.1'),
  worldName: 'alert-rules',
  // Leave out fetch() and incoming HTTP: they import wasi:http, which hashtrack does not
  // provide (plugins get no network), so the component would not load.
  disableFeatures: ['http', 'fetch-event'],
});
await writeFile(out, component);
console.log(`wrote ${out} (${(component.length / 1e6).toFixed(1)} MB)`);
