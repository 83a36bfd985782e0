import pytest

from agencies.tests.factories import make_province


@pytest.fixture
def provinces(db):
    """Hưng Yên and Hà Nội, as (province 33, city 01)."""
    return make_province("33", "Hưng Yên"), make_province("01", "Thành phố Hà Nội")
