import pytest

from tests.support import Databases


@pytest.fixture(scope="session")
async def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    await dbs.drop_all()
