// The quiz player's ruby parsing against the shared cases of curriculum/ruby.py.
// Run: node --test tests/js/ (node's own runner, no npm package). The script is the one
// h5p-standalone loads; it is evaluated here in a bare context with a stub H5P core.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const root = new URL("../../", import.meta.url);
const script = readFileSync(
  new URL("courses/h5p_content_types/H5P.ManabiQuiz-1.0/scripts/manabi-quiz.js", root),
  "utf8",
);
const { cases } = JSON.parse(readFileSync(new URL("tests/ruby_cases.json", root), "utf8"));

function loadQuiz() {
  const window = { H5P: { EventDispatcher: function EventDispatcher() {} } };
  vm.runInNewContext(script, { window }, { filename: "manabi-quiz.js" });
  return window.H5P.ManabiQuiz;
}

const ManabiQuiz = loadQuiz();

// Segments built in the script's context become plain pairs of this one.
function pairs(segments) {
  return Array.from(segments, (segment) => [
    segment.text,
    segment.reading === undefined ? null : segment.reading,
  ]);
}

for (const { name, text, segments } of cases) {
  test(`shared ruby case: ${name}`, () => {
    assert.deepEqual(pairs(ManabiQuiz.parseRuby(text)), segments);
  });
}

test("parsing twice gives the same segments (the global pattern is reset)", () => {
  const text = "｜木場潟《きばがた》と小松《こまつ》";
  assert.deepEqual(pairs(ManabiQuiz.parseRuby(text)), pairs(ManabiQuiz.parseRuby(text)));
});

test("what the learner reads drops readings and stray full-width bars only", () => {
  assert.equal(ManabiQuiz.plainText("｜木場潟《きばがた》は｜湖"), "木場潟は湖");
  assert.equal(ManabiQuiz.plainText("SDGs | Komatsu"), "SDGs | Komatsu");
  assert.equal(ManabiQuiz.plainText(null), "");
});
