"""The README's examples stay true: its Python block runs, and every `unspin` command line in it
names a real command with options that command has."""
import re
import shlex
import subprocess
import sys

from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_the_python_example_runs():
    (block,) = code_blocks("python")
    result = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Loaded_Language 'disgraceful betrayal of hardworking'" in result.stdout
    assert "Council sets budget []" in result.stdout and "('Flag-Waving'," in result.stdout


def test_every_command_line_names_real_options():
    lines = [line.split("  #")[0].strip() for block in code_blocks("sh") for line in block.splitlines()]
    commands = [shlex.split(line.replace("$SECRET", "s").replace("...", "x"))
                for line in lines if re.match(r"^(\.venv/bin/)?unspin ", line)]
    assert len(commands) >= 12
    helps: dict[tuple[str, ...], str] = {}
    for words in commands:
        words = words[1:]
        path = tuple(words[:2]) if words[0] in ("factchecks", "eval") else (words[0],)
        if path not in helps:
            result = run_cli(*path, "--help")
            assert result.returncode == 0, f"unspin {' '.join(path)} is not a command"
            helps[path] = result.stdout.decode()
        for option in (w.split("=")[0] for w in words if w.startswith("--")):
            assert option in helps[path], f"`unspin {' '.join(path)}` has no option {option}"
