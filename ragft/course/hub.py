"""Optional: ask a small instruction model from the Hugging Face hub the same questions as our tiny GPT.

Off by default. It runs only when the setting `RAGFT_HUB_MODEL` (an environment variable) names a hub model, e.g.
"HuggingFaceTB/SmolLM2-135M-Instruct", or a folder saved with `save_pretrained`. A hub model needs the network
(or the hub's local cache); a local folder does not. Tests and offline runs skip it with a message.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from ragft.course.offline import is_online, network_blocked

SETTING = "RAGFT_HUB_MODEL"
SUGGESTED_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"  # 135M parameters, Apache-2.0, about 270 MB to download
SYSTEM_PROMPT = "You are a legal research assistant. Answer in one short sentence."


class HubModelUnavailable(OSError):
    """The hub model could not be loaded (offline and not cached, or a wrong name); the message says what to do."""


def hub_model_setting() -> str | None:
    """The model named by the `RAGFT_HUB_MODEL` environment variable, or None when it is unset or empty."""
    return os.environ.get(SETTING, "").strip() or None


def hub_probe_plan(name_or_path: str | None = None) -> tuple[bool, str]:
    """Whether the optional hub section should run, and why (or why not), in one sentence."""
    name = name_or_path if name_or_path is not None else hub_model_setting()
    if not name:
        return False, (f"Skipped: no hub model chosen. To run it, set the environment variable {SETTING} "
                       f"(e.g. to {SUGGESTED_MODEL}; the download needs the network once) and run this cell again.")
    if Path(name).is_dir():
        return True, f"Running with the local model folder {name}."
    if network_blocked():
        return False, f"Skipped: the network is blocked here (tests run offline), so {name} cannot be fetched."
    if not is_online():
        return False, f"Skipped: offline, so {name} cannot be fetched from the hub. Unset {SETTING} or go online."
    return True, f"Running with {name} from the Hugging Face hub."


def load_hub_model(name_or_path: str | Path, local_files_only: bool = False, dtype: torch.dtype = torch.float32):
    """(model, tokenizer) for a causal LM with a chat template, from the hub or a local folder, in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer  # imported here: only this optional path needs them

    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=local_files_only)
        model = AutoModelForCausalLM.from_pretrained(name_or_path, local_files_only=local_files_only, dtype=dtype)
    except (OSError, ValueError) as err:
        where = "in the local folder" if Path(name_or_path).is_dir() else "on this machine or the hub"
        raise HubModelUnavailable(
            f"Could not load the hub model {str(name_or_path)!r} {where} ({type(err).__name__}: {str(err)[:200]}). "
            f"Offline, a hub model must already be in the Hugging Face cache. Check the name, go online once to "
            f"download it, or unset the setting {SETTING} to skip this optional section."
        ) from err
    if not getattr(tokenizer, "chat_template", None):
        raise HubModelUnavailable(f"{name_or_path} has no chat template: choose an instruction (chat) model, "
                                  f"e.g. {SUGGESTED_MODEL}, in the setting {SETTING}.")
    return model.eval(), tokenizer


@torch.no_grad()
def ask(model, tokenizer, question: str, max_new_tokens: int = 48, system: str | None = SYSTEM_PROMPT) -> str:
    """The model's greedy reply to `question`, formatted with the tokenizer's chat template."""
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": question}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad_id)
    return tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True).strip()
