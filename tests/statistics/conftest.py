import pytest

from tests.appeals.conftest import Flow


@pytest.fixture
def flow(world) -> Flow:
    return Flow(world)
