"""The README's Python examples run as written and print what the README shows.

Each ```python block is a doctest session; the blocks share one namespace,
in order, as a reader pasting them into one interpreter would.
"""

from __future__ import annotations

import doctest
import re
import warnings
from pathlib import Path

from minerecon import WeakFitWarning

README = Path(__file__).parents[1] / "README.md"


def test_readme_examples_print_what_the_readme_shows():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    namespace: dict = {}
    with warnings.catch_warnings():
        # calibrate() warns that the hashrate fit is weak, as the comment says.
        warnings.simplefilter("ignore", WeakFitWarning)
        for number, block in enumerate(blocks, start=1):
            test = parser.get_doctest(block, namespace, f"README block {number}", str(README), 0)
            runner.run(test, clear_globs=False)
            namespace = test.globs  # DocTest copies its globals: carry them on
    assert runner.failures == 0, f"{runner.failures} README example(s) print something else"
