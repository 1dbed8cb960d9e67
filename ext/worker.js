// The cookies lab's password hashing, off the page's thread (src/hash_worker.rs). The page
// sends {id, module, fn, args}; the worker imports the module (the hash extension, same
// origin), calls fn, and answers {id, value, ms} or {id, error}. `ms` is the call's own time,
// which the page turns into the cost of one guess.
let ready = null;

function load(module) {
  if (!ready) {
    ready = import(module)
      .then(async (m) => { await m.default(); return m; })
      .catch((e) => { ready = null; throw e; });
  }
  return ready;
}

self.onmessage = async (event) => {
  const { id, module, fn, args } = event.data;
  try {
    const m = await load(module);
    if (typeof m[fn] !== 'function') throw new Error('the extension has no ' + fn);
    const start = performance.now();
    const value = m[fn](...args);
    self.postMessage({ id, value, ms: performance.now() - start });
  } catch (e) {
    self.postMessage({ id, error: String((e && e.message) || e) });
  }
};
