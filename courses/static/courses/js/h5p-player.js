/*
 * Manabi: start every H5P activity of a lesson with h5p-standalone, and pass
 * the statements the players emit on to the page.
 *
 * Each player element carries its paths and its activity id (xAPIObjectIRI,
 * MANABI_BASE_URL/xapi/activities/<block uuid>) in data attributes. Players are
 * started one after the other, as h5p-standalone requires. Every xAPI
 * statement is announced as a `manabi:xapi` event on `document`, with the
 * block's id and activity id, and kept in `window.manabiH5P.statements`; the
 * learning-records script sends them to the server.
 */
(function () {
  "use strict";

  var state = (window.manabiH5P = window.manabiH5P || { statements: [], players: [] });

  function activityFor(statement) {
    var objectId = (statement && statement.object && statement.object.id) || "";
    for (var index = 0; index < state.players.length; index += 1) {
      var player = state.players[index];
      if (objectId === player.activityId || objectId.indexOf(player.activityId + "?") === 0) {
        return player;
      }
    }
    return null;
  }

  function announce(event) {
    var statement = event.data && event.data.statement;
    var player = activityFor(statement);
    var detail = {
      statement: statement,
      blockId: player ? player.blockId : null,
      activityId: player ? player.activityId : null,
    };
    state.statements.push(detail);
    document.dispatchEvent(new CustomEvent("manabi:xapi", { detail: detail }));
  }

  function optionsFor(element) {
    var data = element.dataset;
    return {
      id: "h5p-" + data.blockId,
      h5pJsonPath: data.h5pJsonPath,
      contentJsonPath: data.contentJsonPath,
      librariesPath: data.librariesPath,
      frameJs: data.frameJs,
      frameCss: data.frameCss,
      xAPIObjectIRI: data.activityId,
      frame: false,
      copyright: false,
      export: false,
      icon: false,
      fullScreen: false,
    };
  }

  function showFailure(element) {
    element.classList.add("h5p-player--failed");
    var fallback = element.querySelector("[data-h5p-fallback]");
    if (fallback) {
      fallback.hidden = false;
    }
  }

  async function startPlayers() {
    var elements = document.querySelectorAll("[data-h5p-player]");
    if (!elements.length || !window.H5PStandalone) {
      return;
    }
    var listening = false;
    for (var index = 0; index < elements.length; index += 1) {
      var element = elements[index];
      var mount = element.querySelector("[data-h5p-mount]");
      state.players.push({ blockId: element.dataset.blockId, activityId: element.dataset.activityId });
      try {
        await new window.H5PStandalone.H5P(mount, optionsFor(element));
        element.classList.add("h5p-player--ready");
        if (!listening && window.H5P && window.H5P.externalDispatcher) {
          window.H5P.externalDispatcher.on("xAPI", announce);
          listening = true;
        }
      } catch (error) {
        showFailure(element);
      }
    }
    document.dispatchEvent(new CustomEvent("manabi:h5p-ready"));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startPlayers);
  } else {
    startPlayers();
  }
})();
