"""The wizard's screens: choosing where to save, the wizard itself, and a yes/no question."""

from .choose_path import ChoosePathScreen
from .confirm import ConfirmScreen
from .wizard import Session, WizardScreen

__all__ = ["ChoosePathScreen", "ConfirmScreen", "Session", "WizardScreen"]
