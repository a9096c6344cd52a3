"""Steps that write a person's record, one module per concern.

Views, forms, commands, tasks and tests import the step they need from its module
(``from learners.services.badges import award_badge``); nothing is re-exported here.
"""
