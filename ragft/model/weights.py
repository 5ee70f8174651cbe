"""Reading a weight file (safetensors) so that a truncated or corrupted one names itself and its fix."""

from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file


class WeightsFileError(ValueError):
    """A weight file exists but cannot be read; the message names the file and how to restore it."""


def read_weights(path: Path, fix: str) -> dict[str, torch.Tensor]:
    """The tensors in `path`, or a WeightsFileError saying the file is damaged and what to do (`fix`)."""
    try:
        return load_file(path)
    except SafetensorError as err:
        raise WeightsFileError(f"{path} cannot be read: it is truncated or corrupted ({err}). {fix}") from None
