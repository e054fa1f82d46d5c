# Shared pytest setup for the smbconform Python tests: the plugin's fixtures, pytester, and source-tree paths.
import os
import pathlib

import pytest

pytest_plugins = ["smbconform.pytest_plugin", "pytester"]

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    return SOURCE_DIR


@pytest.fixture(scope="session")
def cli_binary() -> str:
    """The smbconform CLI built next to the reference server this module was built with."""
    import smbconform
    server = smbconform.find_server_binary()
    cli = os.path.join(os.path.dirname(server), "smbconform")
    if not os.path.isfile(cli):
        pytest.fail(f"smbconform CLI not built next to {server}")
    return cli
