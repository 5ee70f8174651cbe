"""The fictional legal world of Veridia: its facts, how its datasets are written, and how they are loaded."""
