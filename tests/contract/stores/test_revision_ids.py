"""A store revision's ids come from its file's name, as ``db upgrade`` and the version tables
know them."""

from rtutils_adapters.sql.migrations import VERSIONS
from rtutils_adapters.sql.revisions import revision_ids


def test_a_stores_first_revision_starts_its_branch_and_a_later_one_revises_the_one_before():
    assert revision_ids(str(VERSIONS / "loans_0001.py")) == ("loans_0001", None, ("loans",))
    assert revision_ids(str(VERSIONS / "loans_0002.py")) == ("loans_0002", "loans_0001", None)
    assert revision_ids("/x/print_jobs_0012.py") == ("print_jobs_0012", "print_jobs_0011", None)
