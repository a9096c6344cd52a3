"""Site-wide search: a package every app may depend on (and which depends on none above it).

Where it sits: ``curriculum`` ← ``search`` ← ``courses`` ← ``learners`` ← ``opportunities``.
The folder stays in the shell's tree (``site/search``), but ``search`` is not the shell: it
is generic infrastructure like Wagtail's own search. It imports Django, Wagtail and
``curriculum.ruby`` (the one home of the furigana notation, whose readings it drops), and
never a later app or the shell proper (``config``, ``home``). So ``courses`` may call
``search.services.search_pages`` for its catalogue's keyword filter, and pages of any app
take part by having a ``search_text()`` method, found at index time without an import.

Chosen over the alternative (the shell feeding a hook that ``courses`` exposes, filled at
``ready()``) because that hides a real dependency behind mutable module state and makes
every test of the catalogue depend on start-up order; a plain import in the right
direction is checked by ``tests/test_architecture.py``. Commands that read every app
(``rebuild_search_index``) live in the shell (``home``).
"""
