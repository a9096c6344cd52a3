/*
 * Manabi: send what a learner does in a lesson to the xAPI statements endpoint.
 *
 * - Every statement the H5P players announce (`manabi:xapi`, from h5p-player.js)
 *   gets an id minted here and a timestamp, and goes into a queue kept in
 *   localStorage under a key of this learner's own (a shared family tablet never
 *   sends one person's answers as another's).
 * - An activity scrolled into view is reported as `experienced` (unscored
 *   content such as an accordion counts once viewed); reaching the end of the
 *   lesson is reported as `experienced` on the lesson itself.
 * - The queue is sent in batches. A network failure, a server error (5xx), a
 *   timeout (408) or "too many requests" (429) keeps the statements and retries
 *   with pauses that double up to a minute (or longer when a 429 says so in
 *   Retry-After), and again when the browser comes back online or the page is
 *   opened next time: the server recognises a retried id, so nothing is counted
 *   twice.
 * - Any other 4xx refuses what was sent (invalid, conflicting, too large...):
 *   sending it again cannot help. A refused batch is sent again one statement
 *   at a time, so that one bad statement cannot hold back the rest, and a
 *   statement refused on its own is dropped; the learner is told, in the
 *   page's live region, that an answer could not be saved.
 * - 401 and 403 are the exception: they say nothing about the statements, only
 *   that the session has ended (401) or its CSRF token no longer matches (403,
 *   e.g. after signing out and in elsewhere). Dropping would lose good answers,
 *   so the queue is kept, sending stops until the page is opened again, and the
 *   learner is asked to sign in again.
 * - The messages come from the template (data-message-* on the script tag), so
 *   they are translated like the rest of the page.
 *
 * The queue and its sending (`createRecordQueue`) know nothing of the page: they
 * get storage, the POST and the timer as arguments, so tests/js/ runs them in
 * node. The page part below only wires them to the document.
 */
(function () {
  "use strict";

  var BATCH_SIZE = 50;
  var FIRST_PAUSE = 1000;
  var LONGEST_PAUSE = 60000;

  /*
   * options:
   *   storage       getItem/setItem (localStorage); may throw (private mode)
   *   key           this learner's storage key
   *   post(batch)   a promise of a response ({ok, status}); rejects when the
   *                 network fails
   *   setTimeout, clearTimeout
   *   mintId()      a new statement id (a UUID)
   *   now()         the current Date
   *   origin        the site's origin, for the placeholder actor
   *   state         the object to keep {sent, failures, pending, dropped} in
   *   notify(what, count)  optional: "dropped" (count statements dropped so
   *                 far on this page) or "signed-out"
   */
  function createRecordQueue(options) {
    var storage = options.storage;
    var key = options.key;
    var state = options.state || {};
    state.sent = 0;
    state.failures = 0;
    state.pending = 0;
    state.dropped = 0;
    var notify = options.notify || function () {};
    var pause = FIRST_PAUSE;
    var timer = null;
    var sending = false;
    var singlesLeft = 0; // after a refused batch: send its statements one at a time
    var memoryQueue = [];

    function readQueue() {
      try {
        var stored = storage.getItem(key);
        return stored ? JSON.parse(stored) : [];
      } catch (error) {
        return memoryQueue;
      }
    }

    function writeQueue(queue) {
      memoryQueue = queue;
      state.pending = queue.length;
      try {
        storage.setItem(key, JSON.stringify(queue));
      } catch (error) {
        // Private mode or a full storage: the queue lives in memory for this page.
      }
    }

    function enqueue(statement) {
      var queued = JSON.parse(JSON.stringify(statement));
      queued.id = options.mintId();
      queued.timestamp = queued.timestamp || options.now().toISOString();
      // The server puts the learner's own account here; this is only a placeholder.
      queued.actor = {
        objectType: "Agent",
        account: { homePage: options.origin, name: "learner" },
      };
      delete queued.stored;
      delete queued.authority;
      var queue = readQueue();
      queue.push(queued);
      writeQueue(queue);
      schedule(0);
      return queued;
    }

    function forget(ids) {
      var sent = {};
      ids.forEach(function (id) {
        sent[id] = true;
      });
      writeQueue(
        readQueue().filter(function (statement) {
          return !sent[statement.id];
        })
      );
    }

    function schedule(delay) {
      if (timer) {
        options.clearTimeout(timer);
      }
      timer = options.setTimeout(send, delay);
    }

    // 429 may say how long to wait (seconds); honoured up to ten minutes.
    function retryAfter(response) {
      var header = response && response.headers && response.headers.get && response.headers.get("Retry-After");
      var seconds = parseInt(header, 10);
      return seconds > 0 ? Math.min(seconds * 1000, 10 * LONGEST_PAUSE) : 0;
    }

    function retryLater(response) {
      state.failures += 1;
      schedule(Math.max(pause, retryAfter(response)));
      pause = Math.min(pause * 2, LONGEST_PAUSE);
    }

    // Worth sending again later: the network, the server or its load, not the statement.
    function isTransient(status) {
      return status >= 500 || status === 408 || status === 429 || status < 400;
    }

    async function send() {
      timer = null;
      if (sending) {
        return;
      }
      var queue = readQueue();
      if (!queue.length) {
        return;
      }
      sending = true;
      // After a refused batch, its statements go one at a time, so that one bad
      // statement cannot hold back the rest.
      var batch = queue.slice(0, singlesLeft > 0 ? 1 : BATCH_SIZE);
      if (singlesLeft > 0) {
        singlesLeft -= 1;
      }
      var ids = batch.map(function (statement) {
        return statement.id;
      });
      var response;
      try {
        response = await options.post(batch);
      } catch (error) {
        sending = false; // the network failed: try again later
        retryLater(null);
        return;
      }
      sending = false;
      var status = response.status;
      if (response.ok) {
        forget(ids);
        state.sent += ids.length;
        pause = FIRST_PAUSE;
        if (readQueue().length) {
          schedule(0);
        }
        return;
      }
      if (status === 401 || status === 403) {
        // Signed out (or a stale CSRF token): keep the queue for when this learner is back.
        notify("signed-out", state.pending);
        return;
      }
      if (isTransient(status)) {
        retryLater(response);
        return;
      }
      // Any other 4xx: the server refused what was sent; it answered, so no need to wait.
      if (batch.length === 1) {
        forget(ids);
        state.dropped += 1;
        notify("dropped", state.dropped);
      } else {
        singlesLeft = batch.length;
      }
      if (readQueue().length) {
        schedule(0);
      }
    }

    return {
      state: state,
      enqueue: enqueue,
      send: send,
      queued: readQueue,
      // The page opened: count what an earlier visit left and send it.
      start: function () {
        state.pending = readQueue().length;
        schedule(0);
      },
      // The browser is online again: no reason to wait out the pause.
      wake: function () {
        pause = FIRST_PAUSE;
        schedule(0);
      },
    };
  }

  var api = {
    createRecordQueue: createRecordQueue,
    BATCH_SIZE: BATCH_SIZE,
    FIRST_PAUSE: FIRST_PAUSE,
    LONGEST_PAUSE: LONGEST_PAUSE,
  };
  if (typeof module === "object" && module && module.exports) {
    module.exports = api; // node (tests/js/)
  }
  if (typeof document === "undefined") {
    return;
  }

  var script = document.getElementById("learning-records");
  if (!script || !window.fetch || !window.JSON) {
    return;
  }
  var config = script.dataset;
  var EXPERIENCED = {
    id: "http://adlnet.gov/expapi/verbs/experienced",
    display: { "en-US": "experienced" },
  };

  function mintId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (byte) {
        return (byte + 0x100).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function post(batch) {
    return window.fetch(config.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
        "X-CSRFToken": config.csrfToken,
      },
      body: JSON.stringify(batch),
    });
  }

  // localStorage itself can throw when read (storage disabled): the queue then
  // falls back to memory through the same try/catch as a failing getItem.
  var storage = {
    getItem: function (name) {
      return window.localStorage.getItem(name);
    },
    setItem: function (name, value) {
      window.localStorage.setItem(name, value);
    },
  };

  var records = createRecordQueue({
    storage: storage,
    key: config.queueKey,
    post: post,
    setTimeout: function (callback, delay) {
      return window.setTimeout(callback, delay);
    },
    clearTimeout: function (handle) {
      window.clearTimeout(handle);
    },
    mintId: mintId,
    now: function () {
      return new Date();
    },
    origin: window.location.origin,
    state: (window.manabiRecords = {}),
    notify: tell,
  });

  // The live region (role="status") the lesson template puts on the page, with
  // its words (translated) in data-message-*. It is on the page, empty, from the
  // start, so that screen readers announce the text once it is filled in.
  function tell(what, count) {
    var region = document.getElementById("learning-records-status");
    if (!region) {
      return;
    }
    var words = region.dataset;
    var message = region.querySelector("[data-records-message]");
    var signIn = region.querySelector("[data-records-sign-in]");
    if (what === "signed-out") {
      message.textContent = words.messageSignedOut;
    } else {
      message.textContent = count > 1 ? words.messageDroppedMany : words.messageDroppedOne;
    }
    if (signIn) {
      signIn.hidden = what !== "signed-out";
    }
    region.className = "learning-records-status notice notice--error";
    region.setAttribute("data-records-state", what);
  }

  function experienced(activityId, name) {
    var statement = { verb: EXPERIENCED, object: { objectType: "Activity", id: activityId } };
    if (name) {
      statement.object.definition = { name: { und: name } };
    }
    records.enqueue(statement);
  }

  function whenSeen(element, callback) {
    if (!("IntersectionObserver" in window)) {
      callback();
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (
          entries.some(function (entry) {
            return entry.isIntersecting;
          })
        ) {
          observer.disconnect();
          callback();
        }
      },
      { threshold: 0.25 }
    );
    observer.observe(element);
  }

  document.addEventListener("manabi:xapi", function (event) {
    if (event.detail && event.detail.statement && event.detail.activityId) {
      records.enqueue(event.detail.statement);
    }
  });

  function watchReadyPlayers() {
    document.querySelectorAll("[data-h5p-player].h5p-player--ready").forEach(function (player) {
      if (player.dataset.recordsWatching) {
        return;
      }
      player.dataset.recordsWatching = "true";
      whenSeen(player, function () {
        experienced(player.dataset.activityId);
      });
    });
  }

  document.addEventListener("manabi:h5p-ready", watchReadyPlayers);
  watchReadyPlayers();

  var end = document.querySelector("[data-lesson-end]");
  if (end) {
    whenSeen(end, function () {
      experienced(config.lessonActivityId, document.title);
    });
  }

  window.addEventListener("online", records.wake);
  records.start();
})();
