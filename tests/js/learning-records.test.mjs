// The learning-records queue without a browser: storage, the POST and the timer
// are fakes, so every step (batching, back-off, splitting a refused batch) is
// checked exactly. Run with `node --test tests/js/` (make test-js).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { createRecordQueue, BATCH_SIZE, FIRST_PAUSE, LONGEST_PAUSE } = require(
  "../../learners/static/learners/js/learning-records.js",
);

const KEY = "manabi:xapi-queue:7";

function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (name) => (items.has(name) ? items.get(name) : null),
    setItem: (name, value) => items.set(name, String(value)),
  };
}

function brokenStorage() {
  const refuse = () => {
    throw new Error("SecurityError: storage is disabled");
  };
  return { getItem: refuse, setItem: refuse };
}

// Timers that only run when the test says so; `delays` lists what was asked.
function manualTimers() {
  const waiting = new Map();
  let next = 1;
  return {
    delays: [],
    setTimeout(callback, delay) {
      const handle = next++;
      waiting.set(handle, { callback, delay });
      this.delays.push(delay);
      return handle;
    },
    clearTimeout(handle) {
      waiting.delete(handle);
    },
    get pending() {
      return [...waiting.values()].map((timer) => timer.delay);
    },
    async runNext() {
      const [handle, timer] = waiting.entries().next().value ?? [];
      if (handle === undefined) {
        return null;
      }
      waiting.delete(handle);
      await timer.callback();
      return timer.delay;
    },
    // Run timers until none is left (or `limit` ran); return the delays that ran.
    async drain(limit = 100) {
      const ran = [];
      while (waiting.size && ran.length < limit) {
        ran.push(await this.runNext());
      }
      return ran;
    },
  };
}

// An xAPI endpoint: `answer(batch, call)` decides each reply; statements it
// accepts are stored once per id, as the real server does.
function fakeServer(answer = () => ({ ok: true, status: 200 })) {
  const server = {
    batches: [],
    stored: new Map(),
    async post(batch) {
      server.batches.push(batch.map((statement) => statement.id));
      return answer(batch, server.batches.length, server);
    },
    store(batch) {
      for (const statement of batch) {
        if (!server.stored.has(statement.id)) {
          server.stored.set(statement.id, statement);
        }
      }
    },
  };
  return server;
}

function accepted(batch, _call, server) {
  server.store(batch);
  return { ok: true, status: 200 };
}

function makeQueue({ storage = memoryStorage(), server = fakeServer(accepted), key = KEY } = {}) {
  const timers = manualTimers();
  const told = [];
  const queue = createRecordQueue({
    storage,
    key,
    post: (batch) => server.post(batch),
    setTimeout: timers.setTimeout.bind(timers),
    clearTimeout: timers.clearTimeout.bind(timers),
    mintId: randomUUID,
    now: () => new Date("2026-04-01T09:30:00Z"),
    origin: "https://manabi.example",
    state: {},
    notify: (what, count) => told.push([what, count]),
  });
  return { queue, timers, storage, server, told };
}

function answered(number) {
  return {
    verb: { id: "http://adlnet.gov/expapi/verbs/answered" },
    object: { objectType: "Activity", id: `https://manabi.example/activities/${number}` },
  };
}

test("a queued statement gets an id, a timestamp and a placeholder actor, and the original is untouched", () => {
  const { queue, storage } = makeQueue();
  const original = { ...answered(1), stored: "x", authority: { name: "y" } };
  const queued = queue.enqueue(original);
  assert.match(queued.id, /^[0-9a-f-]{36}$/);
  assert.equal(queued.timestamp, "2026-04-01T09:30:00.000Z");
  assert.deepEqual(queued.actor, {
    objectType: "Agent",
    account: { homePage: "https://manabi.example", name: "learner" },
  });
  assert.equal("stored" in queued, false);
  assert.equal("authority" in queued, false);
  assert.equal(original.stored, "x");
  assert.equal(original.id, undefined);
  assert.deepEqual(JSON.parse(storage.getItem(KEY)), [queued]);
  assert.equal(queue.state.pending, 1);

  const timed = queue.enqueue({ ...answered(2), timestamp: "2026-03-31T23:59:00+09:00" });
  assert.equal(timed.timestamp, "2026-03-31T23:59:00+09:00", "a timestamp the player gave is kept");
});

test("the queue survives a reload, and only this learner's queue is sent", async () => {
  const storage = memoryStorage();
  const offline = fakeServer(() => Promise.reject(new TypeError("Failed to fetch")));
  const before = makeQueue({ storage, server: offline });
  const first = before.queue.enqueue(answered(1));
  const second = before.queue.enqueue(answered(2));
  await before.timers.runNext();
  assert.equal(before.queue.state.failures, 1);
  assert.deepEqual(
    JSON.parse(storage.getItem(KEY)).map((statement) => statement.id),
    [first.id, second.id],
  );

  // The page is opened again (a new script, the same localStorage).
  const otherLearner = makeQueue({ storage, key: "manabi:xapi-queue:8" });
  otherLearner.queue.start();
  assert.equal(otherLearner.queue.state.pending, 0);
  await otherLearner.timers.drain();
  assert.deepEqual(otherLearner.server.batches, []);

  const after = makeQueue({ storage });
  after.queue.start();
  assert.equal(after.queue.state.pending, 2);
  await after.timers.drain();
  assert.deepEqual(after.server.batches, [[first.id, second.id]]);
  assert.deepEqual([...after.server.stored.keys()], [first.id, second.id]);
  assert.deepEqual(JSON.parse(storage.getItem(KEY)), []);
  assert.equal(after.queue.state.pending, 0);
  assert.equal(after.queue.state.sent, 2);
});

test("statements go in batches of at most BATCH_SIZE", async () => {
  const { queue, timers, server } = makeQueue();
  for (let number = 0; number < 2 * BATCH_SIZE + 20; number++) {
    queue.enqueue(answered(number));
  }
  await timers.drain();
  assert.deepEqual(
    server.batches.map((batch) => batch.length),
    [BATCH_SIZE, BATCH_SIZE, 20],
  );
  assert.equal(server.stored.size, 2 * BATCH_SIZE + 20);
  assert.equal(queue.state.pending, 0);
});

test("after a refused batch each statement is sent alone, and only the bad one is dropped", async () => {
  let bad;
  const server = fakeServer((batch, _call, self) => {
    if (batch.some((statement) => statement.id === bad.id)) {
      return { ok: false, status: 400 };
    }
    self.store(batch);
    return { ok: true, status: 200 };
  });
  const { queue, timers, storage } = makeQueue({ server });
  const good = queue.enqueue(answered(1));
  bad = queue.enqueue({ ...answered(2), verb: { id: "not an IRI" } });
  const last = queue.enqueue(answered(3));

  const delays = await timers.drain();
  assert.deepEqual(server.batches, [[good.id, bad.id, last.id], [good.id], [bad.id], [last.id]]);
  assert.deepEqual(delays, [0, 0, 0, 0], "the server answered: no back-off");
  assert.deepEqual([...server.stored.keys()], [good.id, last.id]);
  assert.equal(queue.state.failures, 0);
  assert.equal(queue.state.sent, 2);
  assert.deepEqual(JSON.parse(storage.getItem(KEY)), []);
});

test("a conflicting statement alone is dropped, a batch with one is split", async () => {
  let conflicting;
  const server = fakeServer((batch, _call, self) => {
    if (batch.some((statement) => statement.id === conflicting.id)) {
      return { ok: false, status: 409 };
    }
    self.store(batch);
    return { ok: true, status: 200 };
  });
  const { queue, timers } = makeQueue({ server });
  conflicting = queue.enqueue(answered(1));
  const other = queue.enqueue(answered(2));
  await timers.drain();
  assert.deepEqual(server.batches, [[conflicting.id, other.id], [conflicting.id], [other.id]]);
  assert.deepEqual([...server.stored.keys()], [other.id]);
  assert.equal(queue.state.pending, 0);
});

test("the pause after failures doubles up to a minute and resets after a success", async () => {
  let down = true;
  const server = fakeServer((batch, _call, self) => {
    if (down) {
      return { ok: false, status: 503 };
    }
    self.store(batch);
    return { ok: true, status: 200 };
  });
  const { queue, timers } = makeQueue({ server });
  queue.enqueue(answered(1));
  assert.equal(await timers.runNext(), 0);
  const pauses = [];
  for (let failure = 0; failure < 8; failure++) {
    pauses.push(timers.pending[0]);
    await timers.runNext();
  }
  assert.equal(FIRST_PAUSE, 1000);
  assert.equal(LONGEST_PAUSE, 60000);
  assert.deepEqual(pauses, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  assert.equal(queue.state.failures, 9);
  assert.equal(queue.state.pending, 1, "nothing is dropped while the server fails");

  down = false;
  await timers.runNext();
  assert.equal(queue.state.pending, 0);
  assert.deepEqual(timers.pending, [], "an empty queue schedules nothing");

  down = true;
  queue.enqueue(answered(2));
  await timers.runNext();
  assert.deepEqual(timers.pending, [1000], "a success resets the pause");
});

test("coming back online sends at once and starts the pauses again from one second", async () => {
  const offline = fakeServer(() => Promise.reject(new TypeError("Failed to fetch")));
  const { queue, timers } = makeQueue({ server: offline });
  queue.enqueue(answered(1));
  for (let attempt = 0; attempt < 4; attempt++) {
    await timers.runNext();
  }
  assert.deepEqual(timers.pending, [8000]);
  queue.wake();
  assert.deepEqual(timers.pending, [0], "the waiting retry is replaced, not doubled");
  await timers.runNext();
  assert.deepEqual(timers.pending, [1000]);
});

test("nothing is lost when the reply is lost: the statements are sent again with the same ids", async () => {
  const server = fakeServer((batch, call, self) => {
    self.store(batch); // the server stores them...
    if (call === 1) {
      return Promise.reject(new TypeError("network connection was reset")); // ...the reply is lost
    }
    return { ok: true, status: 200 };
  });
  const { queue, timers, storage } = makeQueue({ server });
  const first = queue.enqueue(answered(1));
  const second = queue.enqueue(answered(2));
  await timers.runNext();
  assert.equal(queue.state.failures, 1);
  assert.equal(queue.state.sent, 0);
  assert.deepEqual(
    JSON.parse(storage.getItem(KEY)).map((statement) => statement.id),
    [first.id, second.id],
    "both stay queued until the server is heard",
  );
  assert.deepEqual(timers.pending, [FIRST_PAUSE]);

  await timers.drain();
  assert.deepEqual(server.batches, [
    [first.id, second.id],
    [first.id, second.id],
  ]);
  assert.equal(server.stored.size, 2, "the retry carries the same ids, so it counts once");
  assert.equal(queue.state.pending, 0);
});

test("a statement queued while a batch is on its way is sent after it", async () => {
  let reply;
  const server = fakeServer((batch, call, self) => {
    self.store(batch);
    if (call === 1) {
      return new Promise((resolve) => {
        reply = () => resolve({ ok: true, status: 200 });
      });
    }
    return { ok: true, status: 200 };
  });
  const { queue, timers } = makeQueue({ server });
  const first = queue.enqueue(answered(1));
  const inFlight = timers.runNext();
  await new Promise((resolve) => setImmediate(resolve));
  const second = queue.enqueue(answered(2));
  await timers.runNext(); // a second send while the first waits does nothing
  assert.equal(server.batches.length, 1);
  reply();
  await inFlight;
  await timers.drain();
  assert.deepEqual(server.batches, [[first.id], [second.id]]);
  assert.equal(queue.state.pending, 0);
  assert.equal(queue.state.sent, 2);
});

test("signed out: the queue is kept and not retried until the page is opened again", async () => {
  const storage = memoryStorage();
  const signedOut = fakeServer(() => ({ ok: false, status: 403 }));
  const before = makeQueue({ storage, server: signedOut });
  const statement = before.queue.enqueue(answered(1));
  await before.timers.runNext();
  assert.deepEqual(before.timers.pending, []);
  assert.equal(before.queue.state.failures, 0);
  assert.deepEqual(JSON.parse(storage.getItem(KEY)), [statement]);

  const after = makeQueue({ storage });
  after.queue.start();
  await after.timers.drain();
  assert.deepEqual(after.server.batches, [[statement.id]]);
});

test("without usable storage (private mode) the queue lives in memory and is still sent", async () => {
  const { queue, timers, server } = makeQueue({ storage: brokenStorage() });
  const first = queue.enqueue(answered(1));
  const second = queue.enqueue(answered(2));
  assert.equal(queue.state.pending, 2);
  assert.deepEqual(
    queue.queued().map((statement) => statement.id),
    [first.id, second.id],
  );
  await timers.drain();
  assert.deepEqual(server.batches, [[first.id, second.id]]);
  assert.equal(queue.state.pending, 0);
});

for (const status of [400, 404, 409, 410, 413, 415, 422]) {
  test(`a statement refused alone with ${status} is dropped at once and the learner is told`, async () => {
    const server = fakeServer(() => ({ ok: false, status }));
    const { queue, timers, storage, told } = makeQueue({ server });
    const refused = queue.enqueue(answered(1));
    const delays = await timers.drain();
    assert.deepEqual(server.batches, [[refused.id]], "sent once, never again");
    assert.deepEqual(delays, [0]);
    assert.deepEqual(timers.pending, []);
    assert.deepEqual(JSON.parse(storage.getItem(KEY)), []);
    assert.equal(queue.state.pending, 0);
    assert.equal(queue.state.dropped, 1);
    assert.equal(queue.state.failures, 0);
    assert.deepEqual(told, [["dropped", 1]]);
  });
}

test("a refused batch is split; each refused statement is dropped and counted in what the learner is told", async () => {
  const server = fakeServer((batch, _call, self) => {
    if (batch.some((statement) => statement.verb.id === "refused")) {
      return { ok: false, status: 422 };
    }
    self.store(batch);
    return { ok: true, status: 200 };
  });
  const { queue, timers, told } = makeQueue({ server });
  const first = queue.enqueue({ ...answered(1), verb: { id: "refused" } });
  const good = queue.enqueue(answered(2));
  const second = queue.enqueue({ ...answered(3), verb: { id: "refused" } });
  await timers.drain();
  assert.deepEqual(server.batches, [[first.id, good.id, second.id], [first.id], [good.id], [second.id]]);
  assert.deepEqual([...server.stored.keys()], [good.id]);
  assert.equal(queue.state.pending, 0);
  assert.deepEqual(told, [["dropped", 1], ["dropped", 2]]);
});

for (const [what, answer] of [
  ["429", () => ({ ok: false, status: 429 })],
  ["408", () => ({ ok: false, status: 408 })],
  ["500", () => ({ ok: false, status: 500 })],
  ["502", () => ({ ok: false, status: 502 })],
  ["a network failure", () => Promise.reject(new TypeError("Failed to fetch"))],
]) {
  test(`${what} is retried with growing pauses, nothing dropped and nothing told`, async () => {
    let failing = true;
    const server = fakeServer((batch, call, self) => {
      if (failing) {
        return answer();
      }
      self.store(batch);
      return { ok: true, status: 200 };
    });
    const { queue, timers, told } = makeQueue({ server });
    const statement = queue.enqueue(answered(1));
    await timers.runNext();
    const pauses = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      pauses.push(timers.pending[0]);
      await timers.runNext();
    }
    assert.deepEqual(pauses, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000], "doubling, capped");
    assert.equal(server.batches.length, 9);
    assert.equal(queue.state.pending, 1);
    assert.equal(queue.state.dropped, 0);
    assert.deepEqual(told, []);
    failing = false;
    await timers.drain();
    assert.deepEqual([...server.stored.keys()], [statement.id]);
    assert.equal(queue.state.pending, 0);
  });
}

test("a 429 with Retry-After waits at least that long (capped at ten minutes)", async () => {
  let seconds = "90";
  const server = fakeServer(() => ({ ok: false, status: 429, headers: { get: () => seconds } }));
  const { queue, timers } = makeQueue({ server });
  queue.enqueue(answered(1));
  await timers.runNext();
  assert.deepEqual(timers.pending, [90000]);
  seconds = "86400";
  await timers.runNext();
  assert.deepEqual(timers.pending, [600000]);
  seconds = "soon";
  await timers.runNext();
  assert.deepEqual(timers.pending, [4000], "an unreadable Retry-After falls back to the pause");
});

for (const status of [401, 403]) {
  test(`${status} (session ended) keeps the queue, stops sending and asks the learner to sign in`, async () => {
    const server = fakeServer(() => ({ ok: false, status }));
    const { queue, timers, storage, told } = makeQueue({ server });
    const first = queue.enqueue(answered(1));
    const second = queue.enqueue(answered(2));
    await timers.drain();
    assert.equal(server.batches.length, 1, "not split, not retried");
    assert.deepEqual(timers.pending, []);
    assert.deepEqual(
      JSON.parse(storage.getItem(KEY)).map((statement) => statement.id),
      [first.id, second.id],
    );
    assert.equal(queue.state.dropped, 0);
    assert.deepEqual(told, [["signed-out", 2]]);
  });
}
