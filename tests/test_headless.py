import subprocess
import sys


def test_library_import_does_not_import_textual():
    code = (
        "import sys, agreement_kit, agreement_kit.cli, agreement_kit.word.render;"
        "agreement_kit.load_library();"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
