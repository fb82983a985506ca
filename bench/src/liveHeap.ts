// A live heap shaped like a service's, for the measurements whose cost grows with the heap (V8's
// LiveEdit walks the whole heap): `pauseSpike.ts` (decision 049) and `pauseHeap.bench.ts` (issue
// 22's pause rows). Plain JavaScript, pasted into the program that builds it; the program must run
// with `--expose-gc` (the heap is measured after two full collections).

/**
 * Defines `buildLiveHeap(heapMB)`: retains records (strings, dates, arrays, nested objects, in Maps
 * of 20,000) until `heapUsed` reaches `heapMB`, collects garbage twice, and returns
 * `{ heapMB, records }`, the heap it measured then (which can be more than asked: a program's own
 * heap counts) and how many records it made.
 */
export const LIVE_HEAP_BUILDER = String.raw`
function buildLiveHeap(heapMB) {
  const cities = ['Lisbon', 'Oslo', 'Lima', 'Pune', 'Accra', 'Quito', 'Hanoi', 'Perth'];
  const retained = [];
  // Kept reachable: a top-level variable no closure reads is garbage once the module's code has run.
  globalThis[Symbol.for('liveUpdate.bench.liveHeap')] = retained;
  function record(i) {
    return { id: i, name: 'user-' + i, email: 'user' + i + '@example.com', createdAt: new Date(1.7e12 + i * 1000),
      tags: ['t' + (i % 50), 'g' + (i % 7)], profile: { age: i % 90, city: cities[i % 8], score: i * 0.5, bio: 'bio of user ' + i },
      orders: i % 3 ? [] : [{ sku: 'sku-' + (i % 997), qty: i % 5, price: i % 100 + 0.99 }] };
  }
  const target = heapMB * 1024 * 1024;
  let built = 0;
  while (process.memoryUsage().heapUsed < target) {
    const m = new Map();
    for (let k = 0; k < 20000; k++, built++) m.set(built, record(built));
    retained.push(m);
  }
  global.gc(); global.gc();
  return { heapMB: process.memoryUsage().heapUsed / 1048576, records: built };
}
`;
