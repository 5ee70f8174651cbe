"""A case decided after the corpus's cutoff, with parties and numbers the model has never seen (shared by tests)."""

from ragft.world.records import Case

FUTURE = Case("X1", "Quillan v. Marchetti", "Quillan", "Marchetti", 2031, "VHC", "[2031] VHC 7", "tenancy",
              "Justice Greenhalgh", "a landlord must return a deposit within 17 days", "RTA-1994", "new", False,
              "tenancy-1", None, None)
