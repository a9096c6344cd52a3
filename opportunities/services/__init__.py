"""The steps of opportunities: each a verb-named function that views, admin views, tasks,
management commands and tests all call."""

from opportunities.services.matching_runs import (  # noqa: F401
    MatchingRefused,
    add_graduate_to_run,
    perform_matching_run,
    remove_proposal,
    run_matching,
    start_matching_run,
)
