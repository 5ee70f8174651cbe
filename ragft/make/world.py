"""Generate the fictional legal world of Veridia and write every data file in `datasets/`.

    python -m ragft.make.world                  # writes datasets/ with the default seed
    python -m ragft.make.world --out DIR --seed 7

The same seed gives byte-identical files (see `ragft.world.datasets`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from ragft.paths import DATASETS_DIR
from ragft.seed import DEFAULT_SEED
from ragft.world.datasets import write_datasets


def main(argv: Sequence[str] | None = None) -> None:
    """Write the datasets and print how many records each file holds."""
    parser = argparse.ArgumentParser(description="Generate the fictional legal world's datasets.")
    parser.add_argument("--out", type=Path, default=DATASETS_DIR, help="directory to write (default: datasets/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = write_datasets(args.out, args.seed)
    for relative, count in counts.items():
        print(f"{count:6d}  {args.out / relative}")
    print(f"seed {args.seed}, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
