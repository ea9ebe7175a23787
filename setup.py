"""Only for `scrapyd-deploy`, which builds the project's egg with `setup.py bdist_egg`; everything
about the package is in pyproject.toml."""

from setuptools import setup

setup()
