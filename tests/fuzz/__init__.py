"""The fuzz suite: mutated copies of the shipped scenarios, each checked as ``stpmodel validate``
checks it. See corpus.py for the mutations and test_fuzz.py for what must hold."""
