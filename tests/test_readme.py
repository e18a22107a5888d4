"""The README shows real commands with what they print today (kept by cog)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_readme_outputs_are_current():
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "-I", "docs", "README.md"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, ("README.md is stale: run `cog -r -I docs README.md`\n"
                                    + result.stdout + result.stderr)


def test_readme_starts_with_the_two_set_up_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert block[0].startswith("bash scripts/serve.sh") and block[1].startswith("bash scripts/test.sh")
    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert "exec orggraph serve --load data/seeds" in serve
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
