"""The kinds of job: each app registers the functions it runs in the background.

`jobs` knows nothing of the domain; `agencies/tasks.py`, `inspections/tasks.py` and
`reports/tasks.py` register their kinds here, and the Job page asks the registry for a
kind's label, its counting words and where its result is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

KINDS = {}


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable  # run(job, progress): does the work; sets job.message, job.data, job.result
    label: str
    counts: str  # "%(done)s/%(total)s rows", formatted with localised numbers
    result_url: Callable | None = None  # job -> the page that shows a finished job's result
    follow: bool = False  # the job page opens that page by itself when the job is done


def register(name, *, label, counts, result_url=None, follow=False):
    def decorator(run):
        KINDS[name] = Kind(name, run, label, counts, result_url, follow)
        return run

    return decorator


def kind_of(job):
    return KINDS.get(job.kind)


class JobFailed(Exception):
    """Raised by a job's function: the job fails with this message (and problem lines),
    and everything it wrote is rolled back."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = str(message)
        self.problems = [str(problem) for problem in problems]
