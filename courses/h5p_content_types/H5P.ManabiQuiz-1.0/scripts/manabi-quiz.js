/*
 * H5P.ManabiQuiz 1.0 - Manabi's own quiz content type (MIT).
 *
 * One file past 400 lines on purpose: it is the library's only preloaded script (library.json),
 * served as is to h5p-standalone without a build step, so it cannot be split into modules.
 *
 * Depends on H5P core only (H5P.EventDispatcher, H5P.XAPIEvent as h5p-standalone's
 * frame.bundle.js provides them): no H5P.Question, no JoubelUI, no jQuery UI. Everything is
 * built with plain DOM APIs and textContent, so no HTML from the parameters is ever injected;
 * furigana in Aozora notation (｜漢字《かんじ》 or 漢字《かんじ》) becomes <ruby> elements.
 *
 * xAPI: each checked question sends `answered` as a child activity of the quiz (object.id =
 * <quiz IRI>?subContentId=<question id>, context.contextActivities.parent = the quiz), the way
 * H5P's composite content types do, so that H5P core and the platform treat only the quiz's
 * own `completed` statement (object.id = the quiz IRI, total score) as the result of the quiz.
 */
var H5P = window.H5P = window.H5P || {};

H5P.ManabiQuiz = (function () {
  'use strict';

  var DEFAULT_LABELS = {
    check: 'Check',
    retry: 'Retry',
    correct: 'Correct!',
    incorrect: 'Incorrect.',
    score: '@score / @total',
    questionOf: 'Question @current of @total',
    'true': 'True',
    'false': 'False',
    submit: 'Submit',
    selectAnswer: 'Choose an answer first.',
    chooseAll: 'Choose all correct answers.'
  };

  var XAPI_SUB_CONTENT_ID = 'http://h5p.org/x-api/h5p-subContentId';
  var XAPI_INTERACTION_TYPE = 'http://adlnet.gov/expapi/activities/cmi.interaction';

  // The Aozora ruby rule of curriculum/ruby.py (RUBY_PATTERN there, without its group names):
  // an explicit base after a full-width or ASCII bar, or a run of kanji (with 々〆〻 and ヵヶ),
  // then 《reading》; neither part holds markup or a line break. tests/ruby_cases.json holds
  // both to the same cases (tests/js/ruby.test.mjs runs this file in node).
  var RUBY_PATTERN = /(?:[｜|]([^｜|《》<>\n]+?)|([\u3005\u3006\u303b\u30f5\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+))《([^《》<>\n]+)》/g;

  var instanceCount = 0;

  /**
   * Split text into plain and ruby segments (the shared rule, nothing removed).
   * @param {string} text
   * @returns {Array<{text: string, reading: (string|undefined)}>}
   */
  function parseRuby(text) {
    var segments = [];
    var source = String(text === undefined || text === null ? '' : text);
    var lastIndex = 0;
    var match;
    RUBY_PATTERN.lastIndex = 0;
    while ((match = RUBY_PATTERN.exec(source)) !== null) {
      if (match.index > lastIndex) {
        segments.push({text: source.slice(lastIndex, match.index)});
      }
      segments.push({
        text: match[1] !== undefined ? match[1] : match[2],
        reading: match[3]
      });
      lastIndex = RUBY_PATTERN.lastIndex;
    }
    if (lastIndex < source.length) {
      segments.push({text: source.slice(lastIndex)});
    }
    return segments;
  }

  /**
   * The segments a learner reads: a stray ｜ that did not start ruby is only an Aozora
   * marker, not text (lessons refuse it when saved; quiz parameters cannot).
   * @param {string} text
   * @returns {Array<{text: string, reading: (string|undefined)}>}
   */
  function readableSegments(text) {
    return parseRuby(text).map(function (segment) {
      return segment.reading === undefined ? {text: segment.text.replace(/｜/g, '')} : segment;
    });
  }

  /**
   * Append text with furigana to an element, as text nodes and <ruby> elements only.
   * @param {HTMLElement} element
   * @param {string} text
   */
  function appendRubyText(element, text) {
    readableSegments(text).forEach(function (segment) {
      if (segment.reading === undefined) {
        element.appendChild(document.createTextNode(segment.text));
        return;
      }
      var ruby = document.createElement('ruby');
      ruby.appendChild(document.createTextNode(segment.text));
      var open = document.createElement('rp');
      open.textContent = '（';
      var reading = document.createElement('rt');
      reading.textContent = segment.reading;
      var close = document.createElement('rp');
      close.textContent = '）';
      ruby.appendChild(open);
      ruby.appendChild(reading);
      ruby.appendChild(close);
      element.appendChild(ruby);
    });
  }

  /**
   * The text without readings, for xAPI descriptions and reports.
   * @param {string} text
   * @returns {string}
   */
  function plainText(text) {
    return readableSegments(text).map(function (segment) {
      return segment.text;
    }).join('');
  }

  function createElement(tagName, className, text) {
    var element = document.createElement(tagName);
    if (className) {
      element.className = className;
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function fillIn(template, replacements) {
    return String(template).replace(/@(\w+)/g, function (placeholder, name) {
      return Object.prototype.hasOwnProperty.call(replacements, name) ? String(replacements[name]) : placeholder;
    });
  }

  /**
   * Normalise one question from the parameters into the shape the quiz works with.
   */
  function normaliseQuestion(question, index, labels) {
    var type = ['single', 'multiple', 'truefalse'].indexOf(question.type) === -1 ? 'single' : question.type;
    var options;
    if (type === 'truefalse') {
      var statementIsTrue = question.correct === true || question.correct === 'true';
      options = [
        {id: 'true', text: labels['true'], correct: statementIsTrue},
        {id: 'false', text: labels['false'], correct: !statementIsTrue}
      ];
    }
    else {
      options = (Array.isArray(question.answers) ? question.answers : []).map(function (answer, answerIndex) {
        return {
          id: String(answerIndex),
          text: answer && answer.text !== undefined ? String(answer.text) : '',
          correct: !!(answer && (answer.correct === true || answer.correct === 'true'))
        };
      });
    }
    return {
      type: type,
      text: question.text !== undefined ? String(question.text) : '',
      feedback: question.feedback ? String(question.feedback) : '',
      subContentId: question.subContentId ? String(question.subContentId) : 'question-' + (index + 1),
      options: options,
      correctIds: options.filter(function (option) {
        return option.correct;
      }).map(function (option) {
        return option.id;
      })
    };
  }

  /**
   * @constructor
   * @param {object} params content.json
   * @param {string|number} contentId
   * @param {object} [extras] metadata, previousState, ...
   */
  function ManabiQuiz(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    var self = this;

    self.params = params || {};
    self.contentId = contentId;
    self.extras = extras || {};

    self.labels = {};
    var givenLabels = self.params.l10n || {};
    Object.keys(DEFAULT_LABELS).forEach(function (key) {
      var given = givenLabels[key];
      self.labels[key] = typeof given === 'string' && given.trim() !== '' ? given : DEFAULT_LABELS[key];
    });

    var passRatio = parseFloat(self.params.passRatio);
    self.passRatio = isNaN(passRatio) || passRatio < 0 || passRatio > 1 ? 0.6 : passRatio;
    self.language = typeof self.params.language === 'string' && self.params.language ? self.params.language : 'en';

    self.questions = (Array.isArray(self.params.questions) ? self.params.questions : []).map(function (question, index) {
      return normaliseQuestion(question || {}, index, self.labels);
    });
    self.answerStates = self.questions.map(function () {
      return {checked: false, score: 0};
    });
    self.completedSent = false;
    instanceCount += 1;
    self.domIdPrefix = 'h5p-manabi-quiz-' + instanceCount;
    self.questionViews = [];
  }

  ManabiQuiz.prototype = Object.create(H5P.EventDispatcher.prototype);
  ManabiQuiz.prototype.constructor = ManabiQuiz;

  /**
   * Build the quiz into the container H5P gives (a jQuery object).
   * @param {jQuery|HTMLElement} $container
   */
  ManabiQuiz.prototype.attach = function ($container) {
    var self = this;
    var container = $container && typeof $container.get === 'function' ? $container.get(0) : $container;
    while (container.firstChild) {
      container.removeChild(container.firstChild);
    }
    container.classList.add('h5p-manabi-quiz');
    container.setAttribute('lang', self.language);

    self.questionViews = self.questions.map(function (question, index) {
      var view = self.renderQuestion(question, index);
      container.appendChild(view.fieldset);
      return view;
    });

    self.summary = createElement('div', 'h5p-manabi-quiz__summary');
    self.summary.hidden = true;
    self.summaryText = createElement('p', 'h5p-manabi-quiz__total');
    self.summaryText.setAttribute('role', 'status');
    self.summaryText.setAttribute('aria-live', 'polite');
    self.retryButton = createElement('button', 'h5p-manabi-quiz__button h5p-manabi-quiz__retry', self.labels.retry);
    self.retryButton.type = 'button';
    self.retryButton.addEventListener('click', function () {
      self.resetTask();
      var firstInput = container.querySelector('input');
      if (firstInput) {
        firstInput.focus();
      }
    });
    // The live region must exist before its text changes for screen readers to announce it.
    var summaryRegion = createElement('div', 'h5p-manabi-quiz__summary-region');
    summaryRegion.appendChild(self.summaryText);
    self.summary.appendChild(self.retryButton);
    container.appendChild(summaryRegion);
    container.appendChild(self.summary);

    if (typeof self.setActivityStarted === 'function') {
      self.setActivityStarted();
    }
  };

  /**
   * Build one question as a fieldset of native inputs, a check button and a status region.
   */
  ManabiQuiz.prototype.renderQuestion = function (question, index) {
    var self = this;
    var questionDomId = self.domIdPrefix + '-q' + (index + 1);
    var fieldset = createElement('fieldset', 'h5p-manabi-quiz__question h5p-manabi-quiz__question--' + question.type);
    fieldset.id = questionDomId;

    var legend = createElement('legend', 'h5p-manabi-quiz__legend');
    legend.appendChild(createElement('span', 'h5p-manabi-quiz__number', fillIn(self.labels.questionOf, {
      current: index + 1,
      total: self.questions.length
    })));
    var questionText = createElement('span', 'h5p-manabi-quiz__text');
    appendRubyText(questionText, question.text);
    legend.appendChild(questionText);
    fieldset.appendChild(legend);

    if (question.type === 'multiple') {
      fieldset.appendChild(createElement('p', 'h5p-manabi-quiz__hint', self.labels.chooseAll));
    }

    var optionList = createElement('div', 'h5p-manabi-quiz__options');
    var inputType = question.type === 'multiple' ? 'checkbox' : 'radio';
    var inputs = [];
    var optionRows = [];
    question.options.forEach(function (option, optionIndex) {
      var row = createElement('div', 'h5p-manabi-quiz__option');
      var input = document.createElement('input');
      input.type = inputType;
      input.name = questionDomId + '-answer';
      input.id = questionDomId + '-option-' + (optionIndex + 1);
      input.value = option.id;
      input.className = 'h5p-manabi-quiz__input';
      input.addEventListener('change', function () {
        // A new choice makes an earlier "choose an answer first" reminder stale.
        if (!self.answerStates[index].checked) {
          feedback.textContent = '';
          feedback.className = 'h5p-manabi-quiz__feedback';
        }
      });
      var label = createElement('label', 'h5p-manabi-quiz__label');
      label.setAttribute('for', input.id);
      appendRubyText(label, option.text);
      var mark = createElement('span', 'h5p-manabi-quiz__mark');
      mark.setAttribute('aria-hidden', 'true');
      row.appendChild(input);
      row.appendChild(label);
      row.appendChild(mark);
      optionList.appendChild(row);
      inputs.push(input);
      optionRows.push(row);
    });
    fieldset.appendChild(optionList);

    var checkButton = createElement('button', 'h5p-manabi-quiz__button h5p-manabi-quiz__check', self.labels.check);
    checkButton.type = 'button';
    checkButton.addEventListener('click', function () {
      self.checkQuestion(index);
    });
    fieldset.appendChild(checkButton);

    var feedback = createElement('div', 'h5p-manabi-quiz__feedback');
    feedback.id = questionDomId + '-feedback';
    feedback.setAttribute('role', 'status');
    feedback.setAttribute('aria-live', 'polite');
    // Focus moves here after checking, because the check button it came from disappears.
    feedback.tabIndex = -1;
    fieldset.appendChild(feedback);

    return {
      fieldset: fieldset,
      inputs: inputs,
      optionRows: optionRows,
      checkButton: checkButton,
      feedback: feedback
    };
  };

  /** Ids of the options the learner has selected in a question. */
  ManabiQuiz.prototype.getSelectedIds = function (index) {
    var view = this.questionViews[index];
    if (!view) {
      return [];
    }
    return view.inputs.filter(function (input) {
      return input.checked;
    }).map(function (input) {
      return input.value;
    });
  };

  /** 1 if exactly the correct options are selected, else 0. */
  ManabiQuiz.prototype.scoreSelection = function (index, selectedIds) {
    var correctIds = this.questions[index].correctIds;
    if (selectedIds.length !== correctIds.length) {
      return 0;
    }
    return correctIds.every(function (id) {
      return selectedIds.indexOf(id) !== -1;
    }) ? 1 : 0;
  };

  /**
   * Check one question: lock it, show the result, send `answered`; once every question is
   * checked, show the total and send `completed`.
   */
  ManabiQuiz.prototype.checkQuestion = function (index) {
    var view = this.questionViews[index];
    var state = this.answerStates[index];
    if (!view || state.checked) {
      return;
    }
    var selectedIds = this.getSelectedIds(index);
    if (selectedIds.length === 0) {
      view.feedback.className = 'h5p-manabi-quiz__feedback h5p-manabi-quiz__feedback--reminder';
      view.feedback.textContent = this.labels.selectAnswer;
      this.trigger('resize');
      return;
    }
    state.checked = true;
    state.score = this.scoreSelection(index, selectedIds);
    this.showQuestionResult(index, selectedIds, false);
    view.feedback.focus();

    this.trigger(this.createAnsweredEvent(index, selectedIds));

    if (this.answerStates.every(function (answerState) {
      return answerState.checked;
    })) {
      this.showTotal();
      if (!this.completedSent) {
        this.completedSent = true;
        var total = this.getScore();
        var max = this.getMaxScore();
        var completed = this.createXAPIEventTemplate('completed');
        completed.setScoredResult(total, max, this, true, max > 0 && total / max >= this.passRatio);
        this.trigger(completed);
      }
    }
    this.trigger('resize');
  };

  /**
   * Lock a question's inputs and mark its options; with asSolution, only reveal the answers.
   */
  ManabiQuiz.prototype.showQuestionResult = function (index, selectedIds, asSolution) {
    var question = this.questions[index];
    var view = this.questionViews[index];
    var state = this.answerStates[index];
    view.inputs.forEach(function (input, optionIndex) {
      var option = question.options[optionIndex];
      var row = view.optionRows[optionIndex];
      var mark = row.querySelector('.h5p-manabi-quiz__mark');
      input.disabled = true;
      row.classList.remove('h5p-manabi-quiz__option--correct', 'h5p-manabi-quiz__option--wrong');
      // Browsers grey out disabled inputs, so the learner's own choice is also shown in bold.
      row.classList.toggle('h5p-manabi-quiz__option--selected', selectedIds.indexOf(option.id) !== -1);
      mark.textContent = '';
      if (option.correct) {
        row.classList.add('h5p-manabi-quiz__option--correct');
        mark.textContent = '✓';
      }
      else if (selectedIds.indexOf(option.id) !== -1) {
        row.classList.add('h5p-manabi-quiz__option--wrong');
        mark.textContent = '✗';
      }
    });
    view.checkButton.hidden = true;
    if (asSolution && !state.checked) {
      return;
    }
    var isCorrect = state.score === 1;
    view.fieldset.classList.add(isCorrect ? 'h5p-manabi-quiz__question--correct' : 'h5p-manabi-quiz__question--wrong');
    view.feedback.className = 'h5p-manabi-quiz__feedback ' +
      (isCorrect ? 'h5p-manabi-quiz__feedback--correct' : 'h5p-manabi-quiz__feedback--wrong');
    view.feedback.textContent = '';
    view.feedback.appendChild(createElement('strong', 'h5p-manabi-quiz__verdict',
      isCorrect ? this.labels.correct : this.labels.incorrect));
    if (question.feedback) {
      var explanation = createElement('span', 'h5p-manabi-quiz__explanation');
      appendRubyText(explanation, question.feedback);
      view.feedback.appendChild(document.createTextNode(' '));
      view.feedback.appendChild(explanation);
    }
  };

  ManabiQuiz.prototype.showTotal = function () {
    if (!this.summary) {
      return;
    }
    this.summaryText.textContent = fillIn(this.labels.score, {
      score: this.getScore(),
      total: this.getMaxScore()
    });
    this.summaryText.classList.add('h5p-manabi-quiz__total--shown');
    this.summary.hidden = false;
  };

  /** An xAPI language map in the content's language. */
  ManabiQuiz.prototype.languageMap = function (text) {
    var map = {};
    map[this.language] = text;
    return map;
  };

  /**
   * Fill an xAPI object definition with the question's interaction.
   */
  ManabiQuiz.prototype.describeQuestion = function (definition, index) {
    var self = this;
    var question = self.questions[index];
    var questionText = plainText(question.text);
    definition.name = self.languageMap(fillIn(self.labels.questionOf, {
      current: index + 1,
      total: self.questions.length
    }) + ': ' + questionText);
    definition.description = self.languageMap(questionText);
    definition.type = XAPI_INTERACTION_TYPE;
    if (question.type === 'truefalse') {
      definition.interactionType = 'true-false';
      definition.correctResponsesPattern = [question.correctIds[0]];
    }
    else {
      definition.interactionType = 'choice';
      definition.choices = question.options.map(function (option) {
        return {id: option.id, description: self.languageMap(plainText(option.text))};
      });
      definition.correctResponsesPattern = [question.correctIds.join('[,]')];
    }
    return definition;
  };

  /**
   * The `answered` event for one question, as a child activity of the quiz.
   */
  ManabiQuiz.prototype.createAnsweredEvent = function (index, selectedIds) {
    var question = this.questions[index];
    var event = this.createXAPIEventTemplate('answered');
    var statement = event.data.statement;
    var quizId = statement.object.id;
    statement.object.definition = statement.object.definition || {};
    statement.object.definition.extensions = statement.object.definition.extensions || {};
    statement.object.definition.extensions[XAPI_SUB_CONTENT_ID] = question.subContentId;
    this.describeQuestion(statement.object.definition, index);
    if (quizId) {
      statement.object.id = quizId + '?subContentId=' + encodeURIComponent(question.subContentId);
      statement.context = statement.context || {};
      statement.context.contextActivities = statement.context.contextActivities || {};
      statement.context.contextActivities.parent = [{id: quizId, objectType: 'Activity'}];
    }
    var score = this.scoreSelection(index, selectedIds);
    event.setScoredResult(score, 1, this, true, score === 1);
    statement.result.response = selectedIds.join('[,]');
    return event;
  };

  // --- The H5P question contract -------------------------------------------------------

  ManabiQuiz.prototype.getScore = function () {
    return this.answerStates.reduce(function (sum, state) {
      return sum + (state.checked ? state.score : 0);
    }, 0);
  };

  ManabiQuiz.prototype.getMaxScore = function () {
    return this.questions.length;
  };

  ManabiQuiz.prototype.getAnswerGiven = function () {
    return this.answerStates.some(function (state) {
      return state.checked;
    });
  };

  ManabiQuiz.prototype.getTitle = function () {
    var metadata = this.extras && this.extras.metadata;
    return H5P.createTitle ? H5P.createTitle(metadata && metadata.title ? metadata.title : 'Manabi Quiz') : 'Manabi Quiz';
  };

  ManabiQuiz.prototype.showSolutions = function () {
    var self = this;
    self.questionViews.forEach(function (view, index) {
      self.showQuestionResult(index, self.getSelectedIds(index), true);
    });
    self.trigger('resize');
  };

  ManabiQuiz.prototype.resetTask = function () {
    var self = this;
    self.answerStates = self.questions.map(function () {
      return {checked: false, score: 0};
    });
    self.completedSent = false;
    self.questionViews.forEach(function (view) {
      view.fieldset.classList.remove('h5p-manabi-quiz__question--correct', 'h5p-manabi-quiz__question--wrong');
      view.inputs.forEach(function (input) {
        input.disabled = false;
        input.checked = false;
      });
      view.optionRows.forEach(function (row) {
        row.classList.remove('h5p-manabi-quiz__option--correct', 'h5p-manabi-quiz__option--wrong',
          'h5p-manabi-quiz__option--selected');
        row.querySelector('.h5p-manabi-quiz__mark').textContent = '';
      });
      view.checkButton.hidden = false;
      view.feedback.className = 'h5p-manabi-quiz__feedback';
      view.feedback.textContent = '';
    });
    if (self.summary) {
      self.summary.hidden = true;
      self.summaryText.textContent = '';
      self.summaryText.classList.remove('h5p-manabi-quiz__total--shown');
    }
    self.trigger('resize');
  };

  /**
   * xAPI data for reports: the quiz as a compound interaction with one child per question.
   */
  ManabiQuiz.prototype.getXAPIData = function () {
    var self = this;
    var event = self.createXAPIEventTemplate('answered');
    var definition = event.data.statement.object.definition = event.data.statement.object.definition || {};
    definition.interactionType = 'compound';
    definition.type = XAPI_INTERACTION_TYPE;
    var total = self.getScore();
    var max = self.getMaxScore();
    event.setScoredResult(total, max, self, true, max > 0 && total / max >= self.passRatio);
    return {
      statement: event.data.statement,
      children: self.questions.map(function (question, index) {
        return {statement: self.createAnsweredEvent(index, self.getSelectedIds(index)).data.statement};
      })
    };
  };

  // Exposed for tests and for other Manabi code that renders the same notation.
  ManabiQuiz.parseRuby = parseRuby;
  ManabiQuiz.plainText = plainText;

  return ManabiQuiz;
})();
