"""Tasks run by the worker (``manage.py db_worker``)."""

from django_tasks import task

from opportunities.services.matching_runs import perform_matching_run


@task()
def perform_matching_run_task(run_id):
    """Read, solve and store one queued matching run; its progress is kept on the run."""
    perform_matching_run(run_id)
    return run_id
