"""Where the bundled clause pack and Word template are, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUNDLED_PACK_ID = "wi-psl-sro"
TEMPLATE_NAME = "agreement.docx"


def _data_root(name: str) -> Path:
    installed = resources.files("agreement_kit") / "_data" / name
    if installed.is_dir():  # a wheel: data is copied inside the package
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / name  # a source checkout / editable install


def bundled_pack_dir() -> Path:
    """The folder of the bundled Wisconsin PSL/SRO clause pack."""
    return _data_root("clause_library") / BUNDLED_PACK_ID


def bundled_template() -> Path:
    """The bundled Word template."""
    return _data_root("templates") / TEMPLATE_NAME
